package dev.agentbroker.request.admission;

import java.time.Duration;

/**
 * The answer of a rate limiter: whether the unit was spent, how many remain in the window, and when
 * to come back if not.
 */
public record RateDecision(boolean allowed, long limit, long remaining, Duration retryAfter) {}
