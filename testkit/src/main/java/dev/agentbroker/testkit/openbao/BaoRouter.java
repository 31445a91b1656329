package dev.agentbroker.testkit.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Routes {@code /v1/...} like OpenBao and writes its response envelope and error bodies. */
final class BaoRouter implements HttpHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BaoAuth auth;
  private final BaoKv kv;
  private final BaoTransit transit;
  private final BaoFaults faults;
  private final Set<String> kvMounts;
  final List<BaoRequest> recorded = new CopyOnWriteArrayList<>();

  BaoRouter(BaoAuth auth, BaoKv kv, BaoTransit transit, BaoFaults faults, Set<String> kvMounts) {
    this.auth = auth;
    this.kv = kv;
    this.transit = transit;
    this.faults = faults;
    this.kvMounts = kvMounts;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
    String path = ex.getRequestURI().getPath();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    ex.getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    int status;
    String answer;
    try {
      long delay = faults.latency().toMillis();
      if (delay > 0) {
        Thread.sleep(delay);
      }
      int fail = faults.takeFailure();
      if (fail != 0) {
        throw new BaoError(fail, fail == 503 ? "Vault is sealed" : "injected failure");
      }
      if (!path.startsWith("/v1/")) {
        throw new BaoError(404, "no handler for route");
      }
      JsonNode in = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
      String token = ex.getRequestHeaders().getFirst("X-Vault-Token");
      Map<String, Object> envelope = route(method, path.substring(4), query(ex), in, token);
      status = 200;
      answer = JSON.writeValueAsString(envelope);
    } catch (BaoError e) {
      status = e.status;
      List<String> errors = new ArrayList<>();
      if (e.getMessage() != null) {
        errors.add(e.getMessage());
      }
      answer = JSON.writeValueAsString(Map.of("errors", errors));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      status = 400;
      answer = "{\"errors\":[\"failed to parse JSON input\"]}";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 500;
      answer = "{\"errors\":[\"interrupted\"]}";
    }
    recorded.add(new BaoRequest(method, path, headers, body, status));
    byte[] out = answer.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  private Map<String, Object> route(
      String method, String p, Map<String, String> query, JsonNode in, String token)
      throws BaoError {
    String[] seg = p.split("/");
    if (seg.length == 3 && seg[0].equals("auth") && seg[2].equals("login")) {
      requireMethod(method, "POST");
      BaoAuth.Token t = auth.login(text(in, "role_id"), text(in, "secret_id"));
      return envelope(null, authBlock(t));
    }
    if (p.equals("sys/wrapping/unwrap")) {
      requireMethod(method, "POST");
      String wrapped = text(in, "token");
      if (wrapped == null) {
        // The wrapping token itself authenticates the call.
        return envelope(auth.unwrap(token), null);
      }
      auth.check(token, p);
      return envelope(auth.unwrap(wrapped), null);
    }
    if (p.equals("auth/token/lookup-self")) {
      requireMethod(method, "GET");
      BaoAuth.Token t = auth.check(token, p);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("accessor", t.accessor());
      d.put("creation_time", t.created().getEpochSecond());
      d.put("display_name", "approle");
      d.put("expire_time", t.expires().toString());
      d.put("explicit_max_ttl", 0);
      d.put("id", t.id());
      d.put("meta", Map.of("role_name", String.valueOf(t.role())));
      d.put("num_uses", 0);
      d.put("orphan", true);
      d.put("path", "auth/approle/login");
      d.put("policies", List.of("default", "agent-broker"));
      d.put("renewable", !t.root());
      d.put("ttl", auth.secondsLeft(t));
      d.put("type", "service");
      return envelope(d, null);
    }
    if (p.equals("auth/token/renew-self")) {
      requireMethod(method, "POST", "PUT");
      BaoAuth.Token t = auth.renew(auth.check(token, p));
      return envelope(null, authBlock(t));
    }
    if (seg.length >= 3 && kvMounts.contains(seg[0]) && seg[1].equals("data")) {
      requireMethod(method, "GET");
      auth.check(token, p);
      String path = p.substring(seg[0].length() + "/data/".length());
      Integer version = query.containsKey("version") ? Integer.valueOf(query.get("version")) : null;
      return envelope(kv.read(seg[0], path, version), null);
    }
    if (seg.length == 3 && seg[0].equals("transit") && seg[1].equals("keys")) {
      requireMethod(method, "GET");
      auth.check(token, p);
      return envelope(transit.describe(seg[2]), null);
    }
    if ((seg.length == 3 || seg.length == 4) && seg[0].equals("transit") && seg[1].equals("sign")) {
      requireMethod(method, "POST", "PUT");
      auth.check(token, "transit/sign/" + seg[2]);
      return envelope(sign(seg, in), null);
    }
    throw new BaoError(404, "no handler for route \"" + p + "\". route entry not found.");
  }

  private Map<String, Object> sign(String[] seg, JsonNode in) throws BaoError {
    String hash = seg.length == 4 ? seg[3] : textOr(in, "hash_algorithm", "sha2-256");
    BaoTransit.SignOptions o =
        new BaoTransit.SignOptions(
            textOr(in, "signature_algorithm", "pss"), hash, in.path("prehashed").asBoolean(false));
    Integer version = in.hasNonNull("key_version") ? in.get("key_version").asInt() : null;
    JsonNode batch = in.get("batch_input");
    if (batch != null && batch.isArray()) {
      List<Map<String, Object>> results = new ArrayList<>();
      for (JsonNode item : batch) {
        results.add(transit.sign(seg[2], text(item, "input"), version, o));
      }
      return Map.of("batch_results", results);
    }
    if (!in.hasNonNull("input")) {
      throw BaoError.badRequest("missing input to process");
    }
    return transit.sign(seg[2], text(in, "input"), version, o);
  }

  private Map<String, Object> authBlock(BaoAuth.Token t) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("client_token", t.id());
    a.put("accessor", t.accessor());
    a.put("policies", List.of("default", "agent-broker"));
    a.put("token_policies", List.of("default", "agent-broker"));
    a.put("metadata", Map.of("role_name", String.valueOf(t.role())));
    a.put("lease_duration", auth.secondsLeft(t));
    a.put("renewable", true);
    a.put("entity_id", UUID.nameUUIDFromBytes(t.accessor().getBytes(StandardCharsets.UTF_8)));
    a.put("token_type", "service");
    a.put("orphan", true);
    a.put("num_uses", 0);
    return a;
  }

  private static Map<String, Object> envelope(Object data, Object authBlock) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("request_id", UUID.randomUUID().toString());
    m.put("lease_id", "");
    m.put("renewable", false);
    m.put("lease_duration", 0);
    m.put("data", data);
    m.put("wrap_info", null);
    m.put("warnings", null);
    m.put("auth", authBlock);
    return m;
  }

  private static void requireMethod(String method, String... allowed) throws BaoError {
    for (String a : allowed) {
      if (a.equals(method)) {
        return;
      }
    }
    throw new BaoError(405, "1 error occurred:\n\t* unsupported operation\n\n");
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String textOr(JsonNode n, String field, String dflt) {
    String v = text(n, field);
    return v == null || v.isEmpty() ? dflt : v;
  }

  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> q = new LinkedHashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int i = kv.indexOf('=');
        q.put(i < 0 ? kv : kv.substring(0, i), i < 0 ? "" : kv.substring(i + 1));
      }
    }
    return q;
  }
}
