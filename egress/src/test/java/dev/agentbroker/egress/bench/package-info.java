/** Benchmark load generator (run by bench/egress-bench.sh, not a test). */
package dev.agentbroker.egress.bench;
