package dev.agentbroker.sandbox.internal.cli;

import dev.agentbroker.sandbox.internal.settings.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The settings every command shares: each flag overrides its environment variable. */
public final class SettingsOptions {
  @Option(
      names = "--broker-url",
      paramLabel = "URL",
      description = "Broker base URL (env AGENT_BROKER_URL).")
  String brokerUrl;

  @Option(
      names = "--caller-token-file",
      paramLabel = "FILE",
      description = "Caller JWT file, re-read on each use (env AGENT_CALLER_TOKEN_FILE).")
  String callerTokenFile;

  @Option(
      names = "--caller-token-command",
      paramLabel = "CMD",
      description = "Command printing a caller JWT (env AGENT_CALLER_TOKEN_COMMAND).")
  String callerTokenCommand;

  @Option(
      names = "--egress-proxy",
      paramLabel = "HOST:PORT",
      description = "Egress proxy (env AGENT_EGRESS_PROXY); none = no network.")
  String egressProxy;

  @Option(
      names = "--git-host",
      paramLabel = "HOST[:PORT]",
      description =
          "Git host the credential helper serves (env AGENT_GIT_HOST, default github.com).")
  String gitHost;

  @Option(
      names = "--ca-file",
      paramLabel = "PEM",
      description = "Extra CA certificate(s) the sandbox trusts (env AGENT_CA_FILE).")
  String caFile;

  @Option(
      names = {"-q", "--quiet"},
      description = "Only errors on standard error.")
  boolean quiet;

  /** The flags that were given, keyed by their environment variable. */
  Map<String, String> overrides() {
    Map<String, String> m = new LinkedHashMap<>();
    put(m, Settings.BROKER_URL, brokerUrl);
    put(m, Settings.CALLER_TOKEN_FILE, callerTokenFile);
    put(m, Settings.CALLER_TOKEN_COMMAND, callerTokenCommand);
    put(m, Settings.EGRESS_PROXY, egressProxy);
    put(m, Settings.GIT_HOST, gitHost);
    put(m, Settings.CA_FILE, caFile);
    return m;
  }

  static void put(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
