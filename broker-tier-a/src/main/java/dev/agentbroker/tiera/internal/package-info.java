/** Implementation details of Tier A; not API, may change without notice. */
package dev.agentbroker.tiera.internal;
