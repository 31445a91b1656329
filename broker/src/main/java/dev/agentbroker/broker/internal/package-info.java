/** Wiring, metrics, health and schedules; not API. */
package dev.agentbroker.broker.internal;
