package dev.agentbroker.sandbox.internal.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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
  static final String USER_AGENT = "agent-broker-sandbox-runner/0.1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LEASE_ID = Pattern.compile("lease_[0-9a-f]{32}");

  private final URI base;
  private final Supplier<String> callerJwt;
  private final HttpClient http;
  private final Duration timeout;

  public BrokerClient(URI base, Supplier<String> callerJwt) {
    this(base, callerJwt, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  public BrokerClient(
      URI base, Supplier<String> callerJwt, Duration connectTimeout, Duration timeout) {
    this.base = base;
    this.callerJwt = callerJwt;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();
  }

  /** What the policy would decide for this request; mints nothing. */
  public Explanation explain(TokenRequestBody body) {
    JsonNode n = send(post("/token/explain", body), 200, "explain");
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
        "allow".equals(n.path("decision").asText()),
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
    JsonNode n = send(post("/token", body), 201, "mint");
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
    HttpRequest req =
        HttpRequest.newBuilder(base.resolve("/token/" + leaseId))
            .timeout(timeout)
            .header("User-Agent", USER_AGENT)
            .header("Authorization", "Bearer " + callerJwt.get())
            .DELETE()
            .build();
    HttpResponse<String> r = exchange(req, "revoke");
    if (r.statusCode() == 204) {
      return RevokeOutcome.REVOKED;
    }
    Problem p = Problem.of(r);
    if (r.statusCode() == 404) {
      return RevokeOutcome.UNKNOWN_LEASE;
    }
    throw p.toException("revoke");
  }

  /** How a revocation ended. */
  public enum RevokeOutcome {
    REVOKED,
    UNKNOWN_LEASE
  }

  /** {@code GET /q/health/ready}: true when the broker answers 200. For {@code agent doctor}. */
  public int readiness() {
    HttpRequest req =
        HttpRequest.newBuilder(base.resolve("/q/health/ready"))
            .timeout(timeout)
            .header("User-Agent", USER_AGENT)
            .GET()
            .build();
    return exchange(req, "health check").statusCode();
  }

  private HttpRequest post(String path, TokenRequestBody body) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(timeout)
        .header("User-Agent", USER_AGENT)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + callerJwt.get())
        .POST(HttpRequest.BodyPublishers.ofString(body.json()))
        .build();
  }

  private JsonNode send(HttpRequest req, int expected, String what) {
    HttpResponse<String> r = exchange(req, what);
    if (r.statusCode() != expected) {
      throw Problem.of(r).toException(what);
    }
    try {
      JsonNode n = JSON.readTree(r.body());
      if (n == null || !n.isObject()) {
        throw new IOException("not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new AgentException(
          ExitCode.BROKER_REFUSED, "the broker's " + what + " answer is not JSON");
    }
  }

  private HttpResponse<String> exchange(HttpRequest req, String what) {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw unavailable(what, "connection timed out");
    } catch (HttpTimeoutException e) {
      throw unavailable(what, "no answer within " + timeout.toSeconds() + " s");
    } catch (ConnectException e) {
      throw unavailable(what, "connection refused");
    } catch (IOException e) {
      throw unavailable(
          what,
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(what, "interrupted");
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
