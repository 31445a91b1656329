package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** JSON request bodies parsed the way GitHub reports problems with them. */
final class RequestBodies {
  private RequestBodies() {}

  /** The body as a JSON object; 400 "Problems parsing JSON" for anything else. */
  static JsonNode object(ApiRequest req) {
    try {
      JsonNode n = GitHubJson.MAPPER.readTree(req.body);
      if (n == null || !n.isObject()) {
        throw new ApiException(400, Messages.PROBLEMS_PARSING_JSON);
      }
      return n;
    } catch (IOException e) {
      throw new ApiException(400, Messages.PROBLEMS_PARSING_JSON);
    }
  }

  /** The path segment as a positive number, or a 404 as GitHub's router gives for non-numbers. */
  static long number(String segment) {
    try {
      long n = Long.parseLong(segment);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Falls through to the 404 below.
    }
    throw ApiException.notFound();
  }
}
