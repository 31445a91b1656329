/** Implementation details of Tier B; not API. */
package dev.agentbroker.tierb.internal;
