package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.JsonNode;

/** One GitHub call a verb will make: shown by dry runs, executed otherwise. */
public record PlannedCall(String method, String path, JsonNode body, String purpose) {}
