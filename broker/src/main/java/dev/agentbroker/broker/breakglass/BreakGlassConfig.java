package dev.agentbroker.broker.breakglass;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** {@code broker.breakglass.*}: see docs/configuration.md, "Break-glass". */
@ConfigMapping(prefix = "broker.breakglass")
public interface BreakGlassConfig {
  /** JSON file holding pending requests and grants (written atomically, never holds a token). */
  @WithDefault("data/breakglass.json")
  Path storeFile();

  /** How long a request waits for a decision, and at most how long an approval stays usable. */
  @WithDefault("15m")
  Duration approvalWindow();

  /** The longest duration a human may request; at most 1h. */
  @WithDefault("1h")
  Duration maxDuration();

  /** How often open grants past their deadline are expired (and journaled). */
  @WithDefault("30s")
  Duration sweepInterval();

  /** Decided grants kept for the web page's history; the journal keeps all. */
  @WithDefault("1000")
  int historyLimit();
}
