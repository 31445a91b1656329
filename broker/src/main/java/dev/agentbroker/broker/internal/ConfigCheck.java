package dev.agentbroker.broker.internal;

import dev.agentbroker.broker.breakglass.BreakGlassConfig;
import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.config.ConfigProblems;
import dev.agentbroker.broker.config.JournalIntegritySettings;
import dev.agentbroker.broker.config.StartupRefused;
import dev.agentbroker.broker.ratelimit.RateLimitConfig;
import dev.agentbroker.broker.ratelimit.RateLimitSettings;
import dev.agentbroker.broker.shipping.HecSettings;
import dev.agentbroker.broker.state.StateConfig;
import dev.agentbroker.broker.state.StateSettings;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.List;

/**
 * The start-up configuration check: every problem of every section ({@code broker.*}, {@code
 * broker.audit.integrity.*}, {@code broker.ratelimit.*}, {@code broker.audit.hec.*}, {@code
 * broker.breakglass.*}, {@code broker.state.*}) in one list, each naming its property and
 * environment variable, before anything is opened. It runs first ({@code
 * Interceptor.Priority.PLATFORM_BEFORE}), and every producer of {@link BrokerBeans} depends on it,
 * so no policy, key or journal is touched on a bad configuration. The refusal is a {@link
 * StartupRefused}: one message, no stack trace.
 */
@Startup(Interceptor.Priority.PLATFORM_BEFORE)
@Singleton
public class ConfigCheck {
  @Inject BrokerConfig broker;
  @Inject JournalIntegritySettings integrity;
  @Inject RateLimitConfig rateLimits;
  @Inject HecSettings hec;
  @Inject BreakGlassConfig breakGlass;
  @Inject StateConfig state;

  @PostConstruct
  void check() {
    List<String> problems = problems(broker, integrity, rateLimits, hec, breakGlass, state);
    if (!problems.isEmpty()) {
      throw StartupRefused.of(problems);
    }
  }

  /** Every problem of every section, in section order; empty when the broker may start. */
  public static List<String> problems(
      BrokerConfig broker,
      JournalIntegritySettings integrity,
      RateLimitConfig rateLimits,
      HecSettings hec,
      BreakGlassConfig breakGlass,
      StateConfig state) {
    List<String> out = new ArrayList<>(ConfigProblems.of(broker));
    out.addAll(JournalIntegritySettings.problems(integrity));
    RateLimitSettings rl = RateLimitSettings.of(rateLimits, out);
    out.addAll(HecSettings.problems(hec));
    out.addAll(BreakGlassConfig.problems(breakGlass, broker.jwt()));
    StateSettings.of(state, rl, out);
    return out;
  }
}
