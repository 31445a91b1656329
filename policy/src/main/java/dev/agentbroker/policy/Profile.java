package dev.agentbroker.policy;

import java.util.Locale;
import java.util.Optional;

/**
 * Kind of caller an identity represents; selects the per-token limits in {@link ProfileSettings}.
 */
public enum Profile {
  /** A human driving an agent interactively: broad tokens are acceptable. */
  INTERACTIVE,
  /** An unattended agent: write tokens are limited to one repository by default. */
  AUTONOMOUS,
  /** A CI workflow: same limits as autonomous by default. */
  CI;

  /** Lowercase spelling used in the policy file. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the policy-file spelling; exact lowercase match only. */
  public static Optional<Profile> fromWire(String wire) {
    for (Profile p : values()) {
      if (p.wireName().equals(wire)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
