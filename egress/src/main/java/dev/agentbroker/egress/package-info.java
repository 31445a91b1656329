/** Placeholder for the egress module; see the module README for what it will own. */
package dev.agentbroker.egress;
