package dev.agentbroker.broker.breakglass.signin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.broker.state.Sealer;
import dev.agentbroker.broker.state.SharedRedis;
import dev.agentbroker.broker.state.StateUnavailableException;
import dev.agentbroker.tierb.breakglass.Human;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The page's sign-in state in the shared Redis ({@code broker.state.store=redis}): a session made
 * on one replica is valid on every other, and a sign-in started on one can finish on another.
 *
 * <ul>
 *   <li>{@code bg:signin:<sha256(handle)>}: a sign-in in progress, 10 minutes; taken once with
 *       {@code GETDEL}, so of two callbacks on two replicas only one gets it.
 *   <li>{@code bg:session:<sha256(cookie)>}: a session; its TTL is the idle timeout or what is left
 *       of the maximum lifetime, whichever is shorter, and restarts on every use.
 * </ul>
 *
 * Keys hold only the SHA-256 of cookie values. The secrets inside (state, nonce, PKCE verifier,
 * CSRF token) are sealed with the key as additional data, so a Redis dump holds nothing a browser
 * or an SSO could accept, and a sealed value moved to another record does not open. The person's
 * issuer, subject and identity claim are not secret and stay readable. The number of sessions is
 * bounded by the TTLs and Redis's memory (the operator's {@code maxmemory}), not by {@code
 * broker.breakglass.max-sessions}, which bounds the memory store only.
 */
public final class RedisSessions implements SessionStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SharedRedis redis;
  private final Sealer sealer;
  private final String prefix;
  private final Clock clock;
  private final Duration idleTimeout;
  private final Duration maxLifetime;

  public RedisSessions(
      SharedRedis redis,
      Sealer sealer,
      String prefix,
      Clock clock,
      Duration idleTimeout,
      Duration maxLifetime) {
    this.redis = redis;
    this.sealer = sealer;
    this.prefix = prefix;
    this.clock = clock;
    this.idleTimeout = idleTimeout;
    this.maxLifetime = maxLifetime;
  }

  @Override
  public String begin(Sessions.PendingSignIn p) throws StateUnavailableException {
    String handle = Sessions.random();
    String key = signInKey(handle);
    ObjectNode n = JSON.createObjectNode();
    n.put("state", sealer.seal(p.state(), key));
    n.put("nonce", sealer.seal(p.nonce(), key));
    n.put("verifier", sealer.seal(p.verifier(), key));
    n.put("started", p.started().toString());
    Response r = redis.send(set(key, n.toString(), Sessions.SIGN_IN_LIFETIME).arg("NX"));
    if (r == null) {
      throw new StateUnavailableException("a new sign-in key already existed in redis");
    }
    return handle;
  }

  @Override
  public Optional<Sessions.PendingSignIn> finish(String handle) throws StateUnavailableException {
    if (!plausible(handle)) {
      return Optional.empty();
    }
    String key = signInKey(handle);
    Response r = redis.send(Request.cmd(Command.GETDEL).arg(key));
    if (r == null) {
      return Optional.empty();
    }
    JsonNode n = read(r);
    Instant started = instant(n, "started");
    if (!clock.instant().isBefore(started.plus(Sessions.SIGN_IN_LIFETIME))) {
      return Optional.empty();
    }
    return Optional.of(
        new Sessions.PendingSignIn(
            open(n, "state", key), open(n, "nonce", key), open(n, "verifier", key), started));
  }

  @Override
  public Optional<String> create(Human h) throws StateUnavailableException {
    String cookie = Sessions.random();
    String key = sessionKey(cookie);
    Instant now = clock.instant();
    Sessions.Session s = new Sessions.Session(h, Sessions.random(), now, now);
    Response r = redis.send(set(key, json(s, key), ttl(s, now)).arg("NX"));
    if (r == null) {
      throw new StateUnavailableException("a new session key already existed in redis");
    }
    return Optional.of(cookie);
  }

  @Override
  public Optional<Sessions.Session> touch(String cookie) throws StateUnavailableException {
    if (!plausible(cookie)) {
      return Optional.empty();
    }
    String key = sessionKey(cookie);
    Response r = redis.send(Request.cmd(Command.GET).arg(key));
    if (r == null) {
      return Optional.empty();
    }
    JsonNode n = read(r);
    JsonNode who = n.get("person");
    Sessions.Session s =
        new Sessions.Session(
            new Human(text(n, "iss"), text(n, "sub"), who == null ? null : who.asText(), true),
            open(n, "csrf", key),
            instant(n, "created"),
            instant(n, "last_seen"));
    Instant now = clock.instant();
    if (!alive(s, now)) {
      redis.send(Request.cmd(Command.DEL).arg(key));
      return Optional.empty();
    }
    Sessions.Session next = new Sessions.Session(s.human(), s.csrfToken(), s.created(), now);
    // XX: a session ended (signed out) in between is not brought back.
    if (redis.send(set(key, json(next, key), ttl(next, now)).arg("XX")) == null) {
      return Optional.empty();
    }
    return Optional.of(next);
  }

  @Override
  public void end(String cookie) throws StateUnavailableException {
    if (plausible(cookie)) {
      redis.send(Request.cmd(Command.DEL).arg(sessionKey(cookie)));
    }
  }

  private String signInKey(String handle) {
    return prefix + "bg:signin:" + Sessions.hash(handle);
  }

  private String sessionKey(String cookie) {
    return prefix + "bg:session:" + Sessions.hash(cookie);
  }

  private static boolean plausible(String value) {
    return value != null && !value.isEmpty() && value.length() <= 128;
  }

  private boolean alive(Sessions.Session s, Instant now) {
    return now.isBefore(s.lastSeen().plus(idleTimeout))
        && now.isBefore(s.created().plus(maxLifetime));
  }

  /** The idle timeout or what is left of the lifetime, whichever ends first; at least 1 ms. */
  private Duration ttl(Sessions.Session s, Instant now) {
    Duration left = Duration.between(now, s.created().plus(maxLifetime));
    Duration t = left.compareTo(idleTimeout) < 0 ? left : idleTimeout;
    return t.toMillis() < 1 ? Duration.ofMillis(1) : t;
  }

  private String json(Sessions.Session s, String key) {
    ObjectNode n = JSON.createObjectNode();
    n.put("iss", s.human().issuer());
    n.put("sub", s.human().subject());
    if (s.human().person() != null) {
      n.put("person", s.human().person());
    }
    n.put("csrf", sealer.seal(s.csrfToken(), key));
    n.put("created", s.created().toString());
    n.put("last_seen", s.lastSeen().toString());
    return n.toString();
  }

  private static Request set(String key, String value, Duration ttl) {
    return Request.cmd(Command.SET).arg(key).arg(value).arg("PX").arg(ttl.toMillis());
  }

  /** A record this broker cannot read is an error, never "signed in" nor silently "signed out". */
  private static JsonNode read(Response r) throws StateUnavailableException {
    try {
      JsonNode n = JSON.readTree(r.toString());
      if (n == null || !n.isObject()) {
        throw new StateUnavailableException("a sign-in record in redis is not a JSON object");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new StateUnavailableException("a sign-in record in redis is not JSON");
    }
  }

  private String open(JsonNode n, String field, String key) throws StateUnavailableException {
    return sealer.open(text(n, field), key);
  }

  private static String text(JsonNode n, String field) throws StateUnavailableException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new StateUnavailableException("a sign-in record in redis lacks '" + field + "'");
    }
    return v.asText();
  }

  private static Instant instant(JsonNode n, String field) throws StateUnavailableException {
    try {
      return Instant.parse(text(n, field));
    } catch (java.time.format.DateTimeParseException e) {
      throw new StateUnavailableException("a sign-in record in redis has a bad '" + field + "'");
    }
  }
}
