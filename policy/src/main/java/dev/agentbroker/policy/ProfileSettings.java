package dev.agentbroker.policy;

import java.util.Objects;

/**
 * Effective per-profile limits after applying the file's {@code profiles:} overrides.
 *
 * @param maxRepositoriesPerToken limit for read-only tokens
 * @param maxWriteRepositoriesPerToken limit for tokens with any write or admin permission
 * @param narrowToCeiling lower over-asked levels to the grant ceiling instead of denying
 */
public record ProfileSettings(
    Profile profile,
    int maxRepositoriesPerToken,
    int maxWriteRepositoriesPerToken,
    boolean narrowToCeiling) {
  public ProfileSettings {
    Objects.requireNonNull(profile, "profile");
    if (maxRepositoriesPerToken < 1 || maxWriteRepositoriesPerToken < 1) {
      throw new IllegalArgumentException("limits must be at least 1");
    }
  }

  /** Built-in defaults: interactive 50/50; autonomous and ci 10/1; never narrowing. */
  public static ProfileSettings defaults(Profile profile) {
    switch (profile) {
      case INTERACTIVE:
        return new ProfileSettings(profile, 50, 50, false);
      case AUTONOMOUS:
      case CI:
      default:
        return new ProfileSettings(profile, 10, 1, false);
    }
  }

  /** Limit for a token that is (or is not) a write token. */
  public int limitFor(boolean writeToken) {
    return writeToken ? maxWriteRepositoriesPerToken : maxRepositoriesPerToken;
  }
}
