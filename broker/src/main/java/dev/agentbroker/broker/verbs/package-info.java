/** Tier B over HTTP: the verb catalog and verb calls. */
package dev.agentbroker.broker.verbs;
