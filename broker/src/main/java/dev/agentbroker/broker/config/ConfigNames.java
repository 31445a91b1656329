package dev.agentbroker.broker.config;

import java.util.Locale;

/** How a configuration problem names its setting: the property and its environment variable. */
public final class ConfigNames {
  private ConfigNames() {}

  /** The environment variable SmallRye maps to {@code property}. */
  public static String env(String property) {
    return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** {@code broker.x.y (BROKER_X_Y)}. */
  public static String named(String property) {
    return property + " (" + env(property) + ")";
  }
}
