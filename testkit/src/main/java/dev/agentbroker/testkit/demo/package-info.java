/** The embedded-default demo: simulator, generated dev keys, demo policy, the real broker jar. */
package dev.agentbroker.testkit.demo;
