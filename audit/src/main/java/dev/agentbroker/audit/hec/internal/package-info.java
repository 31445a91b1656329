/** Implementation of the HEC shipper: HTTP exchanges, payload building, backoff. Not API. */
package dev.agentbroker.audit.hec.internal;
