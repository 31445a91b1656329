/** The HTTP API: resources, RFC 9457 problem documents, strict request parsing. */
package dev.agentbroker.broker.api;
