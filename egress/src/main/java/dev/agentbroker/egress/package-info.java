/**
 * The allowlisting CONNECT proxy: {@link dev.agentbroker.egress.EgressProxy} (start/stop), its
 * settings ({@link dev.agentbroker.egress.EgressConfig}), the DNS seam ({@link
 * dev.agentbroker.egress.Resolver}) and the command line ({@link
 * dev.agentbroker.egress.EgressMain}). Everything else lives in {@code internal}.
 */
package dev.agentbroker.egress;
