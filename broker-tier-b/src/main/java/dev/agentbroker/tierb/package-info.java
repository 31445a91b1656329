/** Placeholder for the broker-tier-b module; see the module README for what it will own. */
package dev.agentbroker.tierb;
