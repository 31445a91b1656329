package dev.agentbroker.broker.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.broker.http.HttpInputs;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.policy.TokenRequest;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.Violation;
import dev.agentbroker.tiera.TokenRequestValidator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict parsing of the token request body: walks the JSON tree itself so every type mistake is
 * reported with its field, unknown and duplicate keys are refused (a duplicate {@code owner} must
 * not let a proxy and the broker read different owners), and nothing is coerced.
 */
public final class TokenRequestParser {
  public static final int MAX_BODY_BYTES = 128 * 1024;
  private static final Set<String> FIELDS =
      Set.of("owner", "repositories", "repository_ids", "permissions");
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private TokenRequestParser() {}

  public static TokenRequest parse(byte[] body) {
    JsonNode root = HttpInputs.jsonObject(body, MAX_BODY_BYTES);
    List<Violation> v = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        v.add(new Violation("/" + f, "unknown field"));
      }
    }
    String owner = null;
    JsonNode o = root.get("owner");
    if (o == null) {
      v.add(new Violation("/owner", "owner is required"));
    } else if (!o.isTextual()) {
      v.add(new Violation("/owner", "must be a string (one owner per token)"));
    } else {
      owner = o.asText();
    }
    List<String> repos = new ArrayList<>();
    JsonNode r = root.get("repositories");
    if (r != null && !r.isArray()) {
      v.add(new Violation("/repositories", "must be an array of repository names"));
    } else if (r != null) {
      for (int i = 0; i < r.size(); i++) {
        if (r.get(i).isTextual()) {
          repos.add(r.get(i).asText());
        } else {
          v.add(new Violation("/repositories/" + i, "must be a string"));
        }
      }
    }
    List<Long> ids = new ArrayList<>();
    JsonNode ri = root.get("repository_ids");
    if (ri != null && !ri.isArray()) {
      v.add(new Violation("/repository_ids", "must be an array of integers"));
    } else if (ri != null) {
      for (int i = 0; i < ri.size(); i++) {
        JsonNode n = ri.get(i);
        if (n.isIntegralNumber() && n.canConvertToLong()) {
          ids.add(n.asLong());
        } else {
          v.add(new Violation("/repository_ids/" + i, "must be an integer"));
        }
      }
    }
    Map<String, String> perms = new LinkedHashMap<>();
    JsonNode p = root.get("permissions");
    if (p != null && !p.isObject()) {
      v.add(new Violation("/permissions", "must be an object of permission: level"));
    } else if (p != null) {
      p.properties()
          .forEach(
              e -> {
                if (e.getValue().isTextual()) {
                  perms.put(e.getKey(), e.getValue().asText());
                } else {
                  v.add(new Violation("/permissions/" + e.getKey(), "must be a string level"));
                }
              });
    }
    if (!v.isEmpty()) {
      throw invalid("invalid_fields", "the request has invalid fields", v);
    }
    TokenRequest request = new TokenRequest(owner, repos, ids, perms);
    List<Violation> semantic = TokenRequestValidator.validate(request);
    if (!semantic.isEmpty()) {
      throw invalid("invalid_fields", "the request has invalid fields", semantic);
    }
    return request;
  }

  private static ProblemException invalid(String reason, String detail, List<Violation> v) {
    return new ProblemException(ErrorCode.INVALID_REQUEST, reason, detail, v, null);
  }
}
