/**
 * The verb catalog: a closed (sealed) set. Destructive verbs such as delete-repo or remove-member
 * are absent by design, not merely disallowed: no class here can perform them.
 */
package dev.agentbroker.tierb.verbs;
