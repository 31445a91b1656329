/** Benchmark helpers: the pass-through hop baseline for the mint benchmark. */
package dev.agentbroker.testkit.bench;
