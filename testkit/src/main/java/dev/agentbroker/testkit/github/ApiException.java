package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A GitHub error response, thrown from deep inside a handler and rendered once by the router. Stack
 * traces are suppressed: these are expected control flow on the benchmark's hot path, not bugs.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;

  /** Null means "use the matched endpoint's documentation URL". */
  final String documentationUrl;

  final Map<String, String> headers = new LinkedHashMap<>();

  /** GitHub's {@code errors} array of a "Validation Failed" body, or null when there is none. */
  JsonNode errors;

  ApiException(int status, String message) {
    this(status, message, null);
  }

  ApiException(int status, String message, String documentationUrl) {
    super(message, null, false, false);
    this.status = status;
    this.documentationUrl = documentationUrl;
  }

  ApiException header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** Adds GitHub's {@code errors} array, rendered between message and documentation_url. */
  ApiException errors(JsonNode errors) {
    this.errors = errors;
    return this;
  }

  static ApiException notFound() {
    return new ApiException(404, Messages.NOT_FOUND);
  }

  static ApiException badCredentials() {
    return new ApiException(401, Messages.BAD_CREDENTIALS, Messages.DOCS_REST);
  }

  static ApiException jwtUndecodable() {
    return new ApiException(401, Messages.JWT_UNDECODABLE, Messages.DOCS_REST);
  }
}
