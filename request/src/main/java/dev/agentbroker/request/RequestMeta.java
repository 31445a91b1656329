package dev.agentbroker.request;

/** Per-request context that travels into audit events and the decision log. */
public record RequestMeta(String requestId, String clientIp) {}
