/** Typed configuration ({@code broker.*}) and its start-up validation. */
package dev.agentbroker.broker.config;
