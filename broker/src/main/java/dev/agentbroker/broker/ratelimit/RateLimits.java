package dev.agentbroker.broker.ratelimit;

import dev.agentbroker.policy.Rate;
import dev.agentbroker.request.admission.Admission;
import dev.agentbroker.request.admission.InMemoryRateLimiter;
import dev.agentbroker.request.admission.MintAdmission;
import dev.agentbroker.request.admission.RateDecision;
import dev.agentbroker.request.admission.RateLimiter;
import dev.agentbroker.request.admission.RateLimiterUnavailableException;
import dev.agentbroker.tierb.IdempotencyStore;
import dev.agentbroker.tierb.InMemoryIdempotencyStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The broker's rate limits, built from {@code broker.ratelimit.*} at start-up (a bad value stops
 * the broker with every problem listed). A Redis outage does not stop start-up: a replica must be
 * able to restart during one, and every decision fails closed (or, for Tier A with {@code
 * allow-local}, falls back to this replica's memory) until Redis answers again.
 */
@Startup
@ApplicationScoped
public class RateLimits implements MintAdmission {
  static final String GLOBAL_KEY = "global|github";
  private static final Logger LOG = Logger.getLogger(RateLimits.class);

  @Inject RateLimitConfig config;
  @Inject Clock clock;
  @Inject Vertx vertx;
  @Inject MeterRegistry registry;

  private RateLimitSettings settings;
  private RateLimiter store;
  private RedisRateLimiter redis;
  private InMemoryRateLimiter local;
  private RateLimitMetrics metrics;
  private RateLimiter tierB;
  private IdempotencyStore idempotency;
  private final AtomicBoolean storeHealthy = new AtomicBoolean(true);

  @PostConstruct
  void start() {
    settings = RateLimitSettings.of(config);
    String storeName = settings.store().name().toLowerCase(Locale.ROOT);
    metrics = new RateLimitMetrics(registry, storeName, storeHealthy::get);
    local = new InMemoryRateLimiter(clock);
    if (settings.store() == RateLimitSettings.Store.REDIS) {
      String url = settings.redisUrl().orElseThrow();
      redis =
          new RedisRateLimiter(vertx, url, settings.redisTimeout(), settings.keyPrefix(), clock);
      store = redis;
      boolean up = redis.ping();
      storeHealthy.set(up);
      // The URL is logged without its user-info: it may carry the Redis password.
      if (up) {
        LOG.infof("rate limits: store=redis at %s", RateLimitSettings.redact(url));
      } else {
        LOG.warnf(
            "rate limits: store=redis at %s does not answer; Tier B refuses calls and Tier A %s"
                + " until it does",
            RateLimitSettings.redact(url), tierAChoice());
      }
    } else {
      store = local;
      LOG.info("rate limits: store=memory (single replica)");
    }
    tierB = new TierBLimiter();
    LOG.infof(
        "rate limits: token-requests=%s global-github-budget=%s tier-a-on-store-failure=%s",
        settings.tokenRequests(), settings.globalGithubBudget(), tierAChoice());
  }

  @PreDestroy
  void stop() {
    if (redis != null) {
      redis.close();
    }
    if (idempotency instanceof RedisIdempotencyStore r) {
      r.close();
    }
  }

  /**
   * Tier B's idempotency records, kept {@code ttl}: in the rate-limit Redis when there is one, so a
   * retry that lands on another replica is still a replay; otherwise in this replica's memory.
   */
  public synchronized IdempotencyStore idempotencyStore(Duration ttl) {
    if (idempotency == null) {
      idempotency =
          settings.store() == RateLimitSettings.Store.REDIS
              ? new RedisIdempotencyStore(
                  vertx,
                  settings.redisUrl().orElseThrow(),
                  settings.redisTimeout(),
                  settings.keyPrefix(),
                  ttl)
              : new InMemoryIdempotencyStore(clock, ttl);
    }
    return idempotency;
  }

  public RateLimitSettings settings() {
    return settings;
  }

  /**
   * Tier B's limiter: the shared store, never a local fallback (Tier B fails closed), and every
   * verb call also spends one unit of the App-wide GitHub budget.
   */
  public RateLimiter tierB() {
    return tierB;
  }

  /**
   * Tier A: spends one unit of the identity's {@code POST /token} budget, then — only when the
   * request will call GitHub (the policy allows it) — one unit of the global GitHub budget. A
   * request the policy denies costs its identity a unit but not the App's budget.
   */
  @Override
  public Admission admit(String identityId, boolean callsGitHub) {
    try {
      RateDecision own = spendTierA("token", "token|" + identityId, settings.tokenRequests());
      if (!own.allowed()) {
        return new Admission(Admission.Result.LIMITED, "rate_limited", own);
      }
      if (callsGitHub) {
        RateDecision g = spendTierA("global", GLOBAL_KEY, settings.globalGithubBudget());
        if (!g.allowed()) {
          return new Admission(Admission.Result.LIMITED, Admission.GLOBAL_BUDGET, g);
        }
      }
      return new Admission(Admission.Result.ADMITTED, "admitted", own);
    } catch (RateLimiterUnavailableException e) {
      return new Admission(Admission.Result.UNAVAILABLE, "rate_limiter_unavailable", null);
    }
  }

  private RateDecision spendTierA(String scope, String key, Rate rate)
      throws RateLimiterUnavailableException {
    try {
      return fromStore(scope, key, rate.permits(), rate.window());
    } catch (RateLimiterUnavailableException e) {
      if (settings.tierAOnStoreFailure() != RateLimitSettings.StoreFailure.ALLOW_LOCAL) {
        metrics.decision(scope, "unavailable");
        throw e;
      }
      // Documented trade-off: each replica then enforces the whole budget on its own.
      metrics.localFallback();
      RateDecision d = local.acquire(key, rate.permits(), rate.window());
      metrics.decision(scope, d.allowed() ? "local_allowed" : "local_limited");
      return d;
    }
  }

  private RateDecision fromStore(String scope, String key, long permits, Duration window)
      throws RateLimiterUnavailableException {
    RateDecision d;
    try {
      d = store.acquire(key, permits, window);
    } catch (RateLimiterUnavailableException e) {
      metrics.storeFailure();
      if (storeHealthy.compareAndSet(true, false)) {
        // Logged on the transition only, so an outage does not flood the log.
        LOG.warnf(
            "rate-limit store unavailable (%s); Tier B refuses calls, Tier A %s",
            e.getMessage(), tierAChoice());
      }
      throw e;
    }
    if (storeHealthy.compareAndSet(false, true)) {
      LOG.info("rate-limit store reachable again");
    }
    metrics.decision(scope, d.allowed() ? "allowed" : "limited");
    return d;
  }

  private String tierAChoice() {
    return settings.tierAOnStoreFailure() == RateLimitSettings.StoreFailure.ALLOW_LOCAL
        ? "falls back to per-replica limits (allow-local)"
        : "refuses mints (fail-closed)";
  }

  private static String scopeOf(String key) {
    if (key.startsWith("verb|")) {
      return "verb";
    }
    if (key.startsWith("global|content-creation")) {
      return "content-creation";
    }
    return "other";
  }

  /** The limiter handed to Tier B's {@code VerbService}. */
  private final class TierBLimiter implements RateLimiter {
    @Override
    public RateDecision acquire(String key, long permits, Duration window)
        throws RateLimiterUnavailableException {
      String scope = scopeOf(key);
      try {
        RateDecision d = fromStore(scope, key, permits, window);
        if (d.allowed() && key.startsWith("verb|")) {
          Rate budget = settings.globalGithubBudget();
          RateDecision g = fromStore("global", GLOBAL_KEY, budget.permits(), budget.window());
          if (!g.allowed()) {
            return rounded(new RateDecision(false, g.limit(), 0, g.retryAfter()));
          }
        }
        return rounded(d);
      } catch (RateLimiterUnavailableException e) {
        metrics.decision(scope, "unavailable");
        throw e;
      }
    }

    /** Retry-After is sent in whole seconds; rounding down would invite a refused retry. */
    private RateDecision rounded(RateDecision d) {
      return d.allowed()
          ? d
          : new RateDecision(false, d.limit(), 0, Admission.ceilSeconds(d.retryAfter()));
    }
  }
}
