/** Placeholder for the sandbox-runner module; see the module README for what it will own. */
package dev.agentbroker.sandbox;
