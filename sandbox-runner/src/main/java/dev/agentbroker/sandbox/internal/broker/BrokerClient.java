package dev.agentbroker.sandbox.internal.broker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.http.JsonHttp;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The broker's Tier A API over HTTP, the launcher's only way to a GitHub credential. Every answer
 * that is not the expected success becomes an {@link AgentException} whose exit code follows the
 * problem document's stable {@code code} (RFC 9457): the launcher never guesses from text.
 */
public final class BrokerClient {
  private static final Pattern LEASE_ID = Pattern.compile("lease_[0-9a-f]{32}");

  private final URI base;
  private final Supplier<String> callerJwt;
  private final Duration connectTimeout;
  private final Duration timeout;

  public BrokerClient(URI base, Supplier<String> callerJwt) {
    this(base, callerJwt, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  public BrokerClient(
      URI base, Supplier<String> callerJwt, Duration connectTimeout, Duration timeout) {
    this.base = base;
    this.callerJwt = callerJwt;
    this.timeout = timeout;
    this.connectTimeout = connectTimeout;
  }

  /** What the policy would decide for this request; mints nothing. */
  public Explanation explain(TokenRequestBody body) {
    JsonNode n = send("POST", "/token/explain", body.json(), 200, "explain");
    Map<String, String> perms = new LinkedHashMap<>();
    List<String> repos = new ArrayList<>();
    JsonNode scope = n.path("scope");
    scope
        .path("permissions")
        .properties()
        .forEach(e -> perms.put(e.getKey(), e.getValue().asText()));
    scope.path("repositories").forEach(r -> repos.add(r.asText()));
    List<String> why = new ArrayList<>();
    n.path("explanation").forEach(e -> why.add(e.asText()));
    return new Explanation(
        "allowed".equals(n.path("decision").asText()),
        n.path("reason").asText(""),
        n.path("rule_id").asText(""),
        text(n, "identity_id"),
        text(n, "profile"),
        List.copyOf(why),
        Map.copyOf(perms),
        List.copyOf(repos));
  }

  /** Mints a token for exactly this scope. */
  public Lease mint(TokenRequestBody body) {
    JsonNode n = send("POST", "/token", body.json(), 201, "mint");
    String token = n.path("token").asText("");
    String leaseId = n.path("lease_id").asText("");
    Instant expires;
    try {
      expires = Instant.parse(n.path("expires_at").asText(""));
    } catch (DateTimeParseException e) {
      expires = null;
    }
    if (token.isEmpty() || expires == null || !LEASE_ID.matcher(leaseId).matches()) {
      throw new AgentException(
          ExitCode.BROKER_REFUSED, "the broker's mint answer lacks token, expires_at or lease_id");
    }
    Map<String, String> perms = new LinkedHashMap<>();
    n.path("permissions").properties().forEach(e -> perms.put(e.getKey(), e.getValue().asText()));
    List<String> repos = new ArrayList<>();
    n.path("repositories").forEach(r -> repos.add(r.asText()));
    return new Lease(token, expires, Map.copyOf(perms), List.copyOf(repos), leaseId);
  }

  /**
   * Revokes a lease early. A lease the broker no longer knows (404: it restarted, or the lease
   * already ended) is reported as such, not as success.
   */
  public RevokeOutcome revoke(String leaseId) {
    JsonHttp.Response r = exchange("DELETE", "/token/" + leaseId, null, true, "revoke");
    if (r.status() == 204) {
      return RevokeOutcome.REVOKED;
    }
    if (r.status() == 404) {
      return RevokeOutcome.UNKNOWN_LEASE;
    }
    throw Problem.of(r).toException("revoke");
  }

  /** How a revocation ended. */
  public enum RevokeOutcome {
    REVOKED,
    UNKNOWN_LEASE
  }

  /** {@code GET /q/health/ready}: its status (200 = ready). For {@code agent doctor}. */
  public int readiness() {
    return exchange("GET", "/q/health/ready", null, false, "health check").status();
  }

  private JsonNode send(String method, String path, String body, int expected, String what) {
    JsonHttp.Response r = exchange(method, path, body, true, what);
    if (r.status() != expected) {
      throw Problem.of(r).toException(what);
    }
    return JsonHttp.object(r.body())
        .orElseThrow(
            () ->
                new AgentException(
                    ExitCode.BROKER_REFUSED, "the broker's " + what + " answer is not JSON"));
  }

  /** One request to the broker; the caller JWT is fetched for this request only. */
  private JsonHttp.Response exchange(
      String method, String path, String body, boolean auth, String what) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/json");
    if (auth) {
      headers.put("Authorization", "Bearer " + callerJwt.get());
    }
    try {
      return JsonHttp.exchange(base.resolve(path), method, headers, body, connectTimeout, timeout);
    } catch (JsonHttp.Unreachable e) {
      throw unavailable(what, e.getMessage());
    }
  }

  private AgentException unavailable(String what, String why) {
    return new AgentException(
        ExitCode.BROKER_UNAVAILABLE,
        "cannot reach the broker at " + base + " (" + what + "): " + why);
  }

  private static Optional<String> text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }
}
