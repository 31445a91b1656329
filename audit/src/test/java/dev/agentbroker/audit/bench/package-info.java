/** Benchmark mains (not tests): journal group commit vs fsync-per-event, and HEC shipping. */
package dev.agentbroker.audit.bench;
