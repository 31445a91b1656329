package dev.agentbroker.broker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code broker.audit.integrity.*}: the journal's keyed chain and start-up verification (see
 * docs/configuration.md, "Audit journal integrity", and ADR 0013).
 */
@ConfigMapping(prefix = "broker.audit.integrity")
public interface JournalIntegritySettings {
  /**
   * File holding the journal's HMAC key (base64 of at least 32 random bytes), mode 0600 or 0400.
   * Unset: the journal is unkeyed (legacy) and start-up says so in a WARN line.
   */
  Optional<Path> keyFile();

  /** Refresh {@code checkpoint.json} after this many records. */
  @WithDefault("1000")
  int checkpointEvery();

  /** ... or after this long, whichever comes first. */
  @WithDefault("10s")
  Duration checkpointInterval();

  /** Longest time start-up may spend verifying every segment before it gives up (fail closed). */
  @WithDefault("60s")
  Duration verifyBudget();

  /** Accept a journal of unkeyed records once and start the keyed chain after them. */
  @WithDefault("false")
  boolean migrateLegacy();

  /**
   * Start even though start-up verification failed or ran out of budget (logged at ERROR). For an
   * operator who has inspected the journal; never a default.
   */
  @WithDefault("false")
  boolean allowUnverifiedStart();

  /** Every problem, each naming its property and environment variable. */
  static List<String> problems(JournalIntegritySettings s) {
    List<String> out = new ArrayList<>();
    if (s.checkpointEvery() < 1) {
      out.add(
          "broker.audit.integrity.checkpoint-every (BROKER_AUDIT_INTEGRITY_CHECKPOINT_EVERY)"
              + " must be >= 1");
    }
    if (s.checkpointInterval().isNegative() || s.checkpointInterval().isZero()) {
      out.add(
          "broker.audit.integrity.checkpoint-interval"
              + " (BROKER_AUDIT_INTEGRITY_CHECKPOINT_INTERVAL) must be positive");
    }
    if (s.verifyBudget().isNegative() || s.verifyBudget().isZero()) {
      out.add(
          "broker.audit.integrity.verify-budget (BROKER_AUDIT_INTEGRITY_VERIFY_BUDGET)"
              + " must be positive");
    }
    return out;
  }
}
