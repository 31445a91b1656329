/**
 * Rate limits of the broker: the per-identity budget of {@code POST /token}, the App-wide GitHub
 * budget, and the store behind them and Tier B's verb limits ({@code memory} for one replica,
 * {@code redis} shared by several replicas, GCRA in one Lua script). See ADR 0008.
 */
package dev.agentbroker.broker.ratelimit;
