/** Shipping the audit journal to Splunk HEC (or Cribl's HEC input): config, lifecycle, metrics. */
package dev.agentbroker.broker.shipping;
