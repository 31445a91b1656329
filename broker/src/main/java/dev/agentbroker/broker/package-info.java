/**
 * The deployable broker: configuration, caller authentication, HTTP API, health, metrics and the
 * wiring of the tiers. Business rules live in the tier modules; this package only adapts them.
 */
package dev.agentbroker.broker;
