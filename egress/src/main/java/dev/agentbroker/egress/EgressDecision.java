package dev.agentbroker.egress;

import java.time.Instant;

/**
 * One decision (event {@code egress.connect}) or the end of an allowed connection (event {@code
 * egress.close}), as logged, audited and handed to listeners.
 *
 * @param id connection id, shared by a connection's connect and close events
 * @param outcome {@code allowed}, {@code denied} or {@code error}
 * @param reason stable reason code, e.g. {@code allowed}, {@code host_not_allowed}
 * @param status HTTP status sent to the client (0 on close events)
 * @param user the authenticated proxy user, or {@code -} without (or before checking) credentials
 * @param host normalised target host, or {@code -} when the request never named one
 * @param address the resolved (checked) address connected to, or {@code -}
 * @param group the policy group that allowed or last matched, or {@code -}
 */
public record EgressDecision(
    String id,
    Instant time,
    String event,
    String outcome,
    String reason,
    int status,
    String client,
    String user,
    String method,
    String host,
    int port,
    String address,
    String group,
    long bytesUp,
    long bytesDown,
    long durationMs) {}
