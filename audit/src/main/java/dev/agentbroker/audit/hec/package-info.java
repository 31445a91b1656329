/**
 * Ships the audit journal to a Splunk HTTP Event Collector (or anything speaking HEC, such as Cribl
 * Stream's HEC input), at least once, in order, advancing a durable {@link
 * dev.agentbroker.audit.ShippingCursor} only after the receiver (and, optionally, the indexer)
 * confirmed a batch.
 *
 * <p>Entry point: {@link dev.agentbroker.audit.hec.HecShipper#start}. Configuration: {@link
 * dev.agentbroker.audit.hec.HecConfig}. Everything in {@code hec.internal} is not API.
 */
package dev.agentbroker.audit.hec;
