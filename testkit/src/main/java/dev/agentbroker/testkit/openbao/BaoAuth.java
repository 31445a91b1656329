package dev.agentbroker.testkit.openbao;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AppRole roles and secret ids, service tokens (TTL, renewal up to max TTL), and response-wrapping
 * tokens that unwrap exactly once before their TTL. Permissions are path patterns (exact, or a
 * prefix ending in {@code *}), standing in for ACL policies.
 */
final class BaoAuth {
  /** What every token may do, like OpenBao's {@code default} policy. */
  private static final List<String> DEFAULT_POLICY =
      List.of("auth/token/lookup-self", "auth/token/renew-self", "sys/wrapping/unwrap");

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  record Role(String name, String roleId, List<String> paths, Duration ttl, Duration maxTtl) {}

  record Token(
      String id,
      String accessor,
      String role,
      List<String> paths,
      Instant created,
      Instant expires,
      Instant maxExpires,
      boolean root) {}

  private record Wrapped(String secretId, String accessor, Instant expires) {}

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Role> rolesById = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> secretIds = new ConcurrentHashMap<>();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private final Map<String, Wrapped> wrapping = new ConcurrentHashMap<>();
  private final String rootToken;

  BaoAuth(Clock clock) {
    this.clock = clock;
    this.rootToken = "s." + random(24);
    Instant far = Instant.parse("9999-01-01T00:00:00Z");
    tokens.put(
        rootToken,
        new Token(rootToken, random(24), null, List.of("*"), clock.instant(), far, far, true));
  }

  String rootToken() {
    return rootToken;
  }

  Role createRole(String name, List<String> paths, Duration ttl, Duration maxTtl) {
    Role r = new Role(name, UUID.randomUUID().toString(), List.copyOf(paths), ttl, maxTtl);
    rolesById.put(r.roleId(), r);
    secretIds.put(r.roleId(), ConcurrentHashMap.newKeySet());
    return r;
  }

  String newSecretId(String roleId) {
    String s = UUID.randomUUID().toString();
    secretIds.get(roleId).add(s);
    return s;
  }

  /** A response-wrapped secret id: the returned wrapping token unwraps once, within {@code ttl}. */
  String wrapSecretId(String roleId, Duration ttl) {
    String w = "s." + random(24);
    wrapping.put(w, new Wrapped(newSecretId(roleId), random(24), clock.instant().plus(ttl)));
    return w;
  }

  Token login(String roleId, String secretId) throws BaoError {
    Role r = roleId == null ? null : rolesById.get(roleId);
    if (r == null) {
      throw BaoError.badRequest("invalid role ID");
    }
    if (secretId == null || !secretIds.get(roleId).contains(secretId)) {
      throw BaoError.badRequest("invalid secret id");
    }
    Instant now = clock.instant();
    List<String> paths = new ArrayList<>(DEFAULT_POLICY);
    paths.addAll(r.paths());
    Token t =
        new Token(
            "s." + random(24),
            random(24),
            r.name(),
            paths,
            now,
            now.plus(r.ttl()),
            now.plus(r.maxTtl()),
            false);
    tokens.put(t.id(), t);
    return t;
  }

  /** The live token for {@code header}, allowed on {@code path}; 403 like OpenBao otherwise. */
  Token check(String header, String path) throws BaoError {
    Token t = header == null ? null : tokens.get(header);
    if (t == null || !clock.instant().isBefore(t.expires())) {
      throw BaoError.permissionDenied();
    }
    for (String p : t.paths()) {
      if (p.equals(path) || p.endsWith("*") && path.startsWith(p.substring(0, p.length() - 1))) {
        return t;
      }
    }
    throw BaoError.permissionDenied();
  }

  /** Renews up to the role's TTL, never past the max TTL. */
  Token renew(Token t) throws BaoError {
    if (t.root()) {
      return t;
    }
    Instant now = clock.instant();
    if (!now.isBefore(t.maxExpires())) {
      throw BaoError.badRequest("lease is not renewable");
    }
    Role r = rolesById.values().stream().filter(x -> x.name().equals(t.role())).findFirst().get();
    Instant exp = now.plus(r.ttl());
    Token n =
        new Token(
            t.id(),
            t.accessor(),
            t.role(),
            t.paths(),
            t.created(),
            exp.isAfter(t.maxExpires()) ? t.maxExpires() : exp,
            t.maxExpires(),
            false);
    tokens.put(n.id(), n);
    return n;
  }

  /** Single use: the wrapping token is gone after the first attempt, successful or not. */
  Map<String, Object> unwrap(String wrappingToken) throws BaoError {
    Wrapped w = wrappingToken == null ? null : wrapping.remove(wrappingToken);
    if (w == null || !clock.instant().isBefore(w.expires())) {
      throw BaoError.badRequest("wrapping token is not valid or does not exist");
    }
    return Map.of(
        "secret_id",
        w.secretId(),
        "secret_id_accessor",
        w.accessor(),
        "secret_id_ttl",
        0,
        "secret_id_num_uses",
        0);
  }

  boolean isWrappingToken(String token) {
    return token != null && wrapping.containsKey(token);
  }

  void revokeAllTokens() {
    tokens.keySet().removeIf(id -> !id.equals(rootToken));
  }

  int liveTokens() {
    Instant now = clock.instant();
    return (int)
        tokens.values().stream().filter(t -> !t.root() && now.isBefore(t.expires())).count();
  }

  long secondsLeft(Token t) {
    return Math.max(0, Duration.between(clock.instant(), t.expires()).getSeconds());
  }

  private String random(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return b.toString();
  }
}
