/**
 * Implementation of the file journal: segment layout, record encoding, hash chain, recovery and the
 * group-commit writer. Not API: other modules must only use {@code dev.agentbroker.audit}.
 */
package dev.agentbroker.audit.internal;
