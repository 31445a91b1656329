/**
 * A strict Splunk HTTP Event Collector (HEC) receiver for tests and benchmarks.
 *
 * <p>It is a real HTTP server on 127.0.0.1 that follows Splunk's documented HEC behaviour (status
 * codes and {@code {"text","code"}} bodies, token check, channels and indexer acknowledgement) so a
 * sender's batching, retry and error handling are exercised byte-for-byte, and it injects the
 * faults a sender meets in production (busy, latency, dropped connections, outages). Entry point:
 * {@link dev.agentbroker.testkit.hec.HecReceiver#start}.
 */
package dev.agentbroker.testkit.hec;
