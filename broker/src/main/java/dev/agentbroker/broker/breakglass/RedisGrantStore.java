package dev.agentbroker.broker.breakglass;

import dev.agentbroker.broker.state.SharedRedis;
import dev.agentbroker.broker.state.StateUnavailableException;
import dev.agentbroker.tierb.breakglass.Grant;
import dev.agentbroker.tierb.breakglass.GrantJson;
import dev.agentbroker.tierb.breakglass.GrantStore;
import dev.agentbroker.tierb.breakglass.GrantStoreException;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Break-glass grants in the shared Redis ({@code broker.state.store=redis}), so every replica sees
 * every step at once. Keys, under the state prefix:
 *
 * <ul>
 *   <li>{@code bg:grant:<id>}: the grant's JSON ({@link GrantJson#toText}); no secret (a used token
 *       is only its SHA-256), so nothing is sealed;
 *   <li>{@code bg:grants}: sorted set of every kept grant id, scored by request time (the list);
 *   <li>{@code bg:decided}: the decided ones; past the history limit the oldest are deleted in the
 *       same script that decides a grant (the journal keeps everything). A grant reopened after a
 *       use that did nothing at GitHub leaves it again, so an open grant is never trimmed;
 *   <li>{@code bg:lock:<id>}: a step's lease, {@code SET NX PX}, given back only by its owner.
 * </ul>
 *
 * <p>Create and compare-and-set are Lua scripts (atomic in Redis); the comparison is of the stored
 * text, which is canonical, so "the stored grant is still the one I read" is exact. The scripts
 * name grant keys they trim from the prefix, so the store needs one Redis, not a cluster.
 */
public final class RedisGrantStore implements GrantStore {
  private static final SharedRedis.Script CREATE =
      SharedRedis.Script.of(
          """
          if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
          redis.call('SET', KEYS[1], ARGV[1])
          redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
          return 1
          """);

  private static final SharedRedis.Script REPLACE =
      SharedRedis.Script.of(
          """
          if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
          redis.call('SET', KEYS[1], ARGV[2])
          if ARGV[5] == '1' then
            redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
            local over = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[6])
            if over > 0 then
              for _, old in ipairs(redis.call('ZRANGE', KEYS[3], 0, over - 1)) do
                redis.call('DEL', ARGV[7] .. old)
                redis.call('ZREM', KEYS[2], old)
              end
              redis.call('ZREMRANGEBYRANK', KEYS[3], 0, over - 1)
            end
          else
            redis.call('ZREM', KEYS[3], ARGV[3])
          end
          return 1
          """);

  private static final SharedRedis.Script UNLOCK =
      SharedRedis.Script.of(
          """
          if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
          return 0
          """);

  private final SharedRedis redis;
  private final String prefix;
  private final int historyLimit;

  /**
   * @param prefix {@code broker.state.redis-key-prefix}
   * @param historyLimit decided grants kept ({@code broker.breakglass.history-limit})
   */
  public RedisGrantStore(SharedRedis redis, String prefix, int historyLimit) {
    if (historyLimit < 1) {
      throw new IllegalArgumentException("history limit must be >= 1");
    }
    this.redis = redis;
    this.prefix = prefix;
    this.historyLimit = historyLimit;
  }

  @Override
  public Optional<Grant> get(String id) throws GrantStoreException {
    try {
      Response r = redis.send(Request.cmd(Command.GET).arg(grantKey(id)));
      return r == null ? Optional.empty() : Optional.of(parse(r.toString()));
    } catch (StateUnavailableException e) {
      throw unavailable(e);
    }
  }

  @Override
  public List<Grant> list() throws GrantStoreException {
    try {
      Response ids = redis.send(Request.cmd(Command.ZREVRANGE).arg(index()).arg(0).arg(-1));
      if (ids == null || ids.size() == 0) {
        return List.of();
      }
      Request mget = Request.cmd(Command.MGET);
      for (Response id : ids) {
        mget.arg(grantKey(id.toString()));
      }
      Response values = redis.send(mget);
      List<Grant> out = new ArrayList<>();
      for (int i = 0; values != null && i < values.size(); i++) {
        Response v = values.get(i);
        if (v != null) { // trimmed between the two reads
          out.add(parse(v.toString()));
        }
      }
      return out;
    } catch (StateUnavailableException e) {
      throw unavailable(e);
    }
  }

  @Override
  public boolean create(Grant grant) throws GrantStoreException {
    try {
      Response r =
          redis.eval(
              CREATE,
              List.of(grantKey(grant.id()), index()),
              List.of(GrantJson.toText(grant), grant.id(), score(grant)));
      return r != null && r.toInteger() == 1;
    } catch (StateUnavailableException e) {
      throw unavailable(e);
    }
  }

  @Override
  public boolean replace(Grant expected, Grant next) throws GrantStoreException {
    if (!expected.id().equals(next.id())) {
      throw new IllegalArgumentException("a grant keeps its id");
    }
    try {
      Response r =
          redis.eval(
              REPLACE,
              List.of(grantKey(next.id()), index(), decided()),
              List.of(
                  GrantJson.toText(expected),
                  GrantJson.toText(next),
                  next.id(),
                  score(next),
                  next.state().open() ? "0" : "1",
                  Integer.toString(historyLimit),
                  prefix + "bg:grant:"));
      return r != null && r.toInteger() == 1;
    } catch (StateUnavailableException e) {
      throw unavailable(e);
    }
  }

  @Override
  public boolean lock(String id, String owner, Duration ttl) throws GrantStoreException {
    try {
      Response r =
          redis.send(
              Request.cmd(Command.SET)
                  .arg(prefix + "bg:lock:" + id)
                  .arg(owner)
                  .arg("NX")
                  .arg("PX")
                  .arg(Math.max(1, ttl.toMillis())));
      return r != null && "OK".equals(r.toString());
    } catch (StateUnavailableException e) {
      throw unavailable(e);
    }
  }

  @Override
  public void unlock(String id, String owner) throws GrantStoreException {
    try {
      redis.eval(UNLOCK, List.of(prefix + "bg:lock:" + id), List.of(owner));
    } catch (StateUnavailableException e) {
      throw unavailable(e);
    }
  }

  @Override
  public String describe() {
    return "redis (prefix " + prefix + "bg:)";
  }

  private String grantKey(String id) {
    return prefix + "bg:grant:" + id;
  }

  private String index() {
    return prefix + "bg:grants";
  }

  private String decided() {
    return prefix + "bg:decided";
  }

  private static String score(Grant g) {
    return Long.toString(g.requestedAt().toEpochMilli());
  }

  /** A stored value this broker cannot read is an error, never "no grant" (fail closed). */
  private static Grant parse(String text) throws GrantStoreException {
    try {
      return GrantJson.fromText(text);
    } catch (RuntimeException e) {
      throw new GrantStoreException(
          "a break-glass grant in redis cannot be read (" + e.getMessage() + ")", e);
    }
  }

  private static GrantStoreException unavailable(StateUnavailableException e) {
    return new GrantStoreException("break-glass store: " + e.getMessage(), e);
  }
}
