package dev.agentbroker.testkit.github;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The single HTTP entry point. Every request is recorded, then meets injected faults, then GitHub's
 * front-door checks (User-Agent, API version), then the endpoint. Every response gets GitHub's
 * common headers.
 */
final class ApiRouter implements HttpHandler {
  static final String DEFAULT_API_VERSION = "2022-11-28";
  static final Set<String> SUPPORTED_API_VERSIONS = Set.of("2022-11-28", "2026-03-10");

  private final SimulatorState state;
  private final Recorder recorder;
  private final Faults faults;
  private final AppEndpoints app;
  private final TokenEndpoints tokens;
  private final AdminEndpoints admin;
  private final ActionsEndpoints actions;
  private final IssueEndpoints issues;
  private final RateLimits rateLimits = new RateLimits();

  ApiRouter(
      SimulatorState state,
      AdminState adminState,
      ActionsState actionsState,
      IssueState issueState,
      Recorder recorder,
      Faults faults,
      GitHubJson json) {
    this.state = state;
    this.recorder = recorder;
    this.faults = faults;
    this.app = new AppEndpoints(state, recorder, json);
    this.tokens = new TokenEndpoints(state, json);
    this.admin = new AdminEndpoints(state, adminState, json);
    this.actions = new ActionsEndpoints(state, actionsState, json);
    this.issues = new IssueEndpoints(state, issueState, json);
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try {
      byte[] body = ex.getRequestBody().readAllBytes();
      ApiRequest req =
          new ApiRequest(
              ex.getRequestMethod(),
              ex.getRequestURI().getPath(),
              ex.getRequestURI().getRawQuery(),
              ex.getRequestHeaders(),
              body);
      recorder.request(record(ex, body));
      boolean isMint = req.matches("POST", "app", "installations", "*", "access_tokens");
      MintBody mintBody = isMint ? MintBody.parse(body) : null;

      Faults.Decision fault = faults.next(req.path);
      if (!fault.delay().isZero()) {
        Thread.sleep(fault.delay().toMillis());
      }
      if (fault.kind() == Faults.Kind.DROP) {
        if (isMint) {
          recorder.mint(mintBody.record(MintHandler.installationId(req), 0));
        }
        // Closing before sendResponseHeaders makes the JDK server drop the connection.
        ex.close();
        return;
      }
      String requestId = requestId();
      ApiResponse resp = respond(req, fault, mintBody, requestId);
      if (isMint) {
        recorder.mint(mintBody.record(MintHandler.installationId(req), resp.status));
      }
      if (fault.kind() == Faults.Kind.MINT_THEN_DROP) {
        // The token was created above; the client never hears of it.
        ex.close();
        return;
      }
      write(ex, req, resp, requestId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.close();
    } catch (IOException | RuntimeException e) {
      ex.close();
      if (e instanceof IOException) {
        throw (IOException) e;
      }
      throw e;
    }
  }

  private ApiResponse respond(
      ApiRequest req, Faults.Decision fault, MintBody mintBody, String requestId) {
    try {
      injectFault(req, fault, requestId);
      String ua = req.header("User-Agent");
      if (ua == null || ua.isBlank()) {
        return new ApiResponse(
            403,
            Messages.USER_AGENT_REQUIRED.getBytes(StandardCharsets.UTF_8),
            "text/html; charset=utf-8");
      }
      String version = req.header("X-GitHub-Api-Version");
      if (version != null && !SUPPORTED_API_VERSIONS.contains(version.strip())) {
        throw new ApiException(
            400, Messages.unsupportedApiVersion(version), Messages.DOCS_API_VERSIONS);
      }
      ApiResponse r = app.handle(req, mintBody);
      if (r == null) {
        r = tokens.handle(req);
      }
      if (r == null) {
        r = admin.handle(req);
      }
      if (r == null) {
        r = actions.handle(req);
      }
      if (r == null) {
        r = issues.handle(req);
      }
      if (r == null) {
        throw ApiException.notFound();
      }
      return r;
    } catch (ApiException e) {
      String doc = e.documentationUrl != null ? e.documentationUrl : req.documentationUrl;
      ApiResponse r =
          ApiResponse.json(e.status, GitHubJson.error(e.getMessage(), e.errors, doc, e.status));
      r.headers.putAll(e.headers);
      return r;
    } catch (RuntimeException e) {
      // A simulator bug must look like a GitHub 500, not hang the client.
      return ApiResponse.json(500, GitHubJson.error("Server Error", Messages.DOCS_REST, 500));
    }
  }

  private void injectFault(ApiRequest req, Faults.Decision fault, String requestId) {
    switch (fault.kind()) {
      case FAIL:
        throw new ApiException(fault.status(), reason(fault.status()), Messages.DOCS_REST);
      case SECONDARY:
        throw new ApiException(
                403, Messages.secondaryRateLimit(requestId), Messages.DOCS_RATE_LIMITS)
            .header("retry-after", Long.toString(fault.arg()));
      case PRIMARY:
        throw new ApiException(
                403, Messages.primaryRateLimit(subject(req)), Messages.DOCS_RATE_LIMITS)
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-used", Integer.toString(RateLimits.LIMIT))
            .header("x-ratelimit-reset", Long.toString(fault.arg()));
      default:
        // No fault for this request.
    }
  }

  /** Who GitHub would say ran out of requests. */
  private String subject(ApiRequest req) {
    String id = identity(req);
    if (id.startsWith("installation:")) {
      return "installation ID " + id.substring("installation:".length());
    }
    if (id.equals("app")) {
      return "app ID " + state.fixture.appId();
    }
    return "127.0.0.1";
  }

  /** Rate-limit bucket: the App for JWTs, the installation for tokens, else anonymous. */
  private String identity(ApiRequest req) {
    String auth = req.header("Authorization");
    if (auth == null) {
      return "anonymous";
    }
    String cred = TokenEndpoints.credential(auth);
    if (cred.chars().filter(c -> c == '.').count() == 2) {
      return "app";
    }
    IssuedToken t = cred.isEmpty() ? null : state.live(cred);
    return t == null ? "anonymous" : "installation:" + t.installationId();
  }

  private static String reason(int status) {
    switch (status) {
      case 500:
        return "Server Error";
      case 502:
        return "Bad Gateway";
      case 503:
        return "Service Unavailable";
      case 504:
        return "Gateway Timeout";
      case 429:
        return "Too Many Requests";
      default:
        return "Error " + status;
    }
  }

  private void write(HttpExchange ex, ApiRequest req, ApiResponse resp, String requestId)
      throws IOException {
    RateLimits.Window w = rateLimits.touch(identity(req), state.now().getEpochSecond());
    Headers h = ex.getResponseHeaders();
    Map<String, String> common = new LinkedHashMap<>();
    if (resp.contentType != null) {
      common.put("content-type", resp.contentType);
    }
    String version = req.header("X-GitHub-Api-Version");
    common.put(
        "x-github-api-version-selected",
        version != null && SUPPORTED_API_VERSIONS.contains(version.strip())
            ? version.strip()
            : DEFAULT_API_VERSION);
    common.put("x-github-media-type", "github.v3; format=json");
    common.put("x-ratelimit-limit", Integer.toString(RateLimits.LIMIT));
    common.put("x-ratelimit-remaining", Integer.toString(Math.max(0, RateLimits.LIMIT - w.used())));
    common.put("x-ratelimit-used", Integer.toString(w.used()));
    common.put("x-ratelimit-reset", Long.toString(w.reset()));
    common.put("x-ratelimit-resource", RateLimits.RESOURCE);
    common.put("x-github-request-id", requestId);
    common.putAll(resp.headers);
    common.forEach(h::set);
    long length = resp.body.length == 0 ? -1 : resp.body.length;
    ex.sendResponseHeaders(resp.status, length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(resp.body);
    }
  }

  private static RecordedRequest record(HttpExchange ex, byte[] body) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    ex.getRequestHeaders()
        .forEach(
            (k, v) ->
                headers
                    .computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>())
                    .addAll(v));
    headers.replaceAll((k, v) -> List.copyOf(v));
    String raw = ex.getRequestURI().getRawPath();
    String q = ex.getRequestURI().getRawQuery();
    return new RecordedRequest(
        ex.getRequestMethod(),
        q == null ? raw : raw + "?" + q,
        headers,
        new String(body, StandardCharsets.UTF_8));
  }

  /** GitHub-shaped request id, e.g. {@code E198:4063:33BD6:375FF:652AAB04}. */
  private static String requestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    StringBuilder sb = new StringBuilder(32);
    hex(sb, r.nextInt(0x10000), 4).append(':');
    hex(sb, r.nextInt(0x10000), 4).append(':');
    hex(sb, r.nextInt(0x100000), 5).append(':');
    hex(sb, r.nextInt(0x100000), 5).append(':');
    return hex(sb, r.nextLong(0x100000000L), 8).toString();
  }

  private static StringBuilder hex(StringBuilder sb, long v, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      sb.append(HEX[(int) ((v >>> shift) & 0xf)]);
    }
    return sb;
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
