package dev.agentbroker.testkit.github;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response ready to write. Headers here override the router's defaults, which is how a rate-limit
 * fault reports {@code x-ratelimit-remaining: 0}.
 */
final class ApiResponse {
  static final String JSON = "application/json; charset=utf-8";

  final int status;
  final byte[] body;
  final String contentType;
  final Map<String, String> headers = new LinkedHashMap<>();

  ApiResponse(int status, byte[] body, String contentType) {
    this.status = status;
    this.body = body;
    this.contentType = contentType;
  }

  static ApiResponse json(int status, byte[] body) {
    return new ApiResponse(status, body, JSON);
  }

  static ApiResponse noContent() {
    return new ApiResponse(204, new byte[0], null);
  }

  ApiResponse header(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
