package dev.agentbroker.audit.hec;

import java.time.Duration;

/**
 * Result of {@code GET /services/collector/health}.
 *
 * @param healthy status 200
 * @param status HTTP status, or -1 if the request failed
 * @param code HEC {@code code} from the body (17 = healthy on Splunk), or -1 if absent
 * @param text HEC {@code text} or the I/O error class; never contains the token
 * @param latency how long the check took
 */
public record HecHealth(boolean healthy, int status, int code, String text, Duration latency) {}
