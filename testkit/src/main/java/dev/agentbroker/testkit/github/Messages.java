package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * GitHub's error texts, verbatim as observed in GitHub responses quoted in public issue threads
 * (see testkit/README.md for where each was confirmed). Kept in one place so the simulator never
 * paraphrases: broker code that pattern-matches messages must see what GitHub actually says.
 */
final class Messages {
  private Messages() {}

  static final String DOCS_REST = "https://docs.github.com/rest";
  static final String DOCS_MINT =
      "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app";
  static final String DOCS_RATE_LIMITS =
      "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";
  static final String DOCS_API_VERSIONS =
      "https://docs.github.com/rest/about-the-rest-api/api-versions";

  /** Sent as text/html by GitHub's front end, not as JSON. */
  static final String USER_AGENT_REQUIRED =
      "Request forbidden by administrative rules. Please make sure your request has a User-Agent"
          + " header (http://developer.github.com/v3/#user-agent-required)."
          + " Check https://developer.github.com for other possible causes.";

  static String unsupportedApiVersion(String requested) {
    return "The version you specified in the \"X-GitHub-API-Version\" request header, \""
        + requested
        + "\", is not a supported version. The following versions are currently supported: "
        + "\"2026-03-10\" (most recent), \"2022-11-28\".";
  }

  static final String NOT_FOUND = "Not Found";
  static final String REQUIRES_AUTHENTICATION = "Requires authentication";
  static final String BAD_CREDENTIALS = "Bad credentials";
  static final String JWT_UNDECODABLE = "A JSON web token could not be decoded";
  static final String INTEGRATION_NOT_FOUND = "Integration not found";
  static final String EXP_NOT_FUTURE =
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at"
          + " which the assertion expires";
  static final String EXP_TOO_FAR = "'Expiration time' claim ('exp') is too far in the future";
  static final String IAT_INVALID =
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was"
          + " issued";
  static final String SUSPENDED = "This installation has been suspended";
  static final String PROBLEMS_PARSING_JSON = "Problems parsing JSON";
  static final String REPO_NOT_ACCESSIBLE =
      "There is at least one repository that does not exist or is not accessible to the parent"
          + " installation.";
  static final String PERMISSIONS_NOT_GRANTED =
      "The permissions requested are not granted to this installation.";

  static final String NOT_ACCESSIBLE = "Resource not accessible by integration";
  static final String LABEL_DOES_NOT_EXIST = "Label does not exist";
  static final String VALIDATION_FAILED = "Validation Failed";
  static final String BODY_BLANK = "Body cannot be blank";

  /** GitHub counts the limit in UTF-8 bytes (4 x 65536) while the message says characters. */
  static final String BODY_TOO_LONG = "Body is too long (maximum is 65536 characters)";

  static String noRefFound(String ref) {
    return "No ref found for: " + ref;
  }

  /** E.g. {@code Unexpected inputs provided: ["a", "b"]}, names in the order sent. */
  static String unexpectedInputs(List<String> names) {
    StringBuilder sb = new StringBuilder("Unexpected inputs provided: [");
    for (int i = 0; i < names.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append('"').append(names.get(i)).append('"');
    }
    return sb.append(']').toString();
  }

  static String requiredInputNotProvided(String name) {
    return "Required input '" + name + "' not provided";
  }

  /** GitHub's schema phrasing for a missing required key. */
  static String notSupplied(String key) {
    return "Invalid request.\n\n\"" + key + "\" wasn't supplied.";
  }

  /** GitHub's schema phrasing for a wrong type; JSON null is shown as Ruby's {@code nil}. */
  static String notA(String property, JsonNode value, String type) {
    String shown = value.isNull() ? "nil" : value.toString();
    return invalidRequest(
        property, shown + " is not a" + (type.equals("object") ? "n " : " ") + type + ".");
  }

  /** GitHub's JSON-schema validation phrasing ("Invalid request.\n\nFor 'properties/x', ..."). */
  static String invalidRequest(String property, String problem) {
    return "Invalid request.\n\nFor 'properties/" + property + "', " + problem;
  }

  static String secondaryRateLimit(String requestId) {
    return "You have exceeded a secondary rate limit. Please wait a few minutes before you try"
        + " again. If you reach out to GitHub Support for help, please include the request ID "
        + requestId
        + ".";
  }

  static String primaryRateLimit(String subject) {
    return "API rate limit exceeded for " + subject + ".";
  }
}
