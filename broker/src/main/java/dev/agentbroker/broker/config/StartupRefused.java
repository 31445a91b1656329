package dev.agentbroker.broker.config;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.List;

/**
 * The broker refuses to start. A {@link ConfigurationException} without a cause: Quarkus prints its
 * message alone to stderr, without a stack trace, so the operator sees one clear message.
 */
public final class StartupRefused extends ConfigurationException {
  private static final long serialVersionUID = 1L;

  public StartupRefused(String message) {
    super(message);
  }

  /** Every configuration problem, one per line. */
  public static StartupRefused of(List<String> problems) {
    return new StartupRefused(
        "broker configuration invalid, broker not started:\n  - "
            + String.join("\n  - ", problems));
  }
}
