package dev.agentbroker.testkit.oidc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * Routes the issuer's three kinds of request: discovery, JWKS, and the runner's token request.
 * Never writes a token anywhere but into the response to the runner that asked for it.
 */
final class OidcHandler implements HttpHandler {
  static final String DISCOVERY = "/.well-known/openid-configuration";
  static final String JWKS = "/.well-known/jwks";
  private static final String JSON = "application/json; charset=utf-8";

  /** A job allowed to request tokens: its run and the bearer token the runner was handed. */
  record Job(ActionsOidcIssuer.Run run, String requestToken) {}

  private final String issuer;
  private final IssuerKeys keys;
  private final OidcFaults faults;
  private final BiFunction<ActionsOidcIssuer.Run, String, String> mint;
  final Map<String, Job> jobs = new ConcurrentHashMap<>();
  final AtomicInteger jwksRequests = new AtomicInteger();

  OidcHandler(
      String issuer,
      IssuerKeys keys,
      OidcFaults faults,
      BiFunction<ActionsOidcIssuer.Run, String, String> mint) {
    this.issuer = issuer;
    this.keys = keys;
    this.faults = faults;
    this.mint = mint;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try {
      ex.getRequestBody().readAllBytes();
      String path = ex.getRequestURI().getPath();
      Job job = jobs.get(path);
      if (!path.equals(DISCOVERY) && !path.equals(JWKS) && job == null) {
        send(ex, 404, "text/plain; charset=utf-8", "Not Found");
      } else if (!ex.getRequestMethod().equals("GET")) {
        ex.getResponseHeaders().set("Allow", "GET");
        send(ex, 405, "text/plain; charset=utf-8", "Method Not Allowed");
      } else if (path.equals(DISCOVERY)) {
        send(ex, 200, JSON, discovery());
      } else if (path.equals(JWKS)) {
        jwksRequests.incrementAndGet();
        if (faults.jwksDown()) {
          send(ex, 503, "text/plain; charset=utf-8", "Service Unavailable");
        } else {
          send(ex, 200, JSON, keys.jwks());
        }
      } else {
        tokenRequest(ex, job);
      }
    } finally {
      ex.close();
    }
  }

  private void tokenRequest(HttpExchange ex, Job job) throws IOException {
    if (!authorized(ex.getRequestHeaders().getFirst("Authorization"), job.requestToken())) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      send(ex, 401, "text/plain; charset=utf-8", "Unauthorized");
      return;
    }
    String audience = query(ex.getRequestURI().getRawQuery(), "audience");
    if (audience == null || audience.isEmpty()) {
      // GitHub's default audience: the URL of the repository owner.
      audience = "https://github.com/" + job.run().owner();
    }
    ObjectNode out = IssuerKeys.JSON.createObjectNode();
    out.put("count", 1);
    out.put("value", mint.apply(job.run(), audience));
    send(ex, 200, JSON, IssuerKeys.JSON.writeValueAsBytes(out));
  }

  /** {@code Bearer <token>}, scheme case-insensitive (the docs' curl example sends "bearer"). */
  private static boolean authorized(String header, String expected) {
    if (header == null) {
      return false;
    }
    String h = header.strip();
    int sp = h.indexOf(' ');
    if (sp < 0 || !h.substring(0, sp).toLowerCase(Locale.ROOT).equals("bearer")) {
      return false;
    }
    byte[] given = h.substring(sp + 1).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8));
  }

  private static String query(String raw, String name) {
    if (raw == null) {
      return null;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (k.equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private byte[] discovery() throws IOException {
    ObjectNode n = IssuerKeys.JSON.createObjectNode();
    n.put("issuer", issuer);
    n.put("jwks_uri", issuer + JWKS);
    strings(n, "subject_types_supported", List.of("public", "pairwise"));
    strings(n, "response_types_supported", List.of("id_token"));
    strings(n, "claims_supported", ActionsTokens.CLAIMS);
    strings(n, "id_token_signing_alg_values_supported", List.of("RS256"));
    strings(n, "scopes_supported", List.of("openid"));
    return IssuerKeys.JSON.writeValueAsBytes(n);
  }

  private static void strings(ObjectNode n, String field, List<String> values) {
    values.forEach(n.putArray(field)::add);
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
