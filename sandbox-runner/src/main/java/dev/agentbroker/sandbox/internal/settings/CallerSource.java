package dev.agentbroker.sandbox.internal.settings;

import java.nio.file.Path;

/**
 * Where the caller JWT comes from: a file re-read on every use (so a rotated credential is picked
 * up) or a command that prints one (an OIDC helper). The JWT itself is never stored by the launcher
 * beyond the request it authenticates.
 */
public sealed interface CallerSource {
  /** {@code AGENT_CALLER_TOKEN_FILE}. */
  record File(Path path) implements CallerSource {}

  /** {@code AGENT_CALLER_TOKEN_COMMAND}, run with {@code sh -c}. */
  record Command(String command) implements CallerSource {}
}
