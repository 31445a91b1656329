package dev.agentbroker.request;

/** One problem with a request body: a JSON-pointer-like field path and a fixed message. */
public record Violation(String field, String message) {}
