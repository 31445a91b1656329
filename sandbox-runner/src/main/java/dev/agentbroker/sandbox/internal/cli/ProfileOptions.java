package dev.agentbroker.sandbox.internal.cli;

import dev.agentbroker.policy.Profile;
import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.settings.ProfileDefaults;
import dev.agentbroker.sandbox.internal.settings.Values;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --permissions} and {@code --profile}: the token's permissions and the defaults used. */
public class ProfileOptions {
  @Option(
      names = "--permissions",
      paramLabel = "NAME=LEVEL,…",
      description = "Token permissions (default: the profile's).")
  String permissions;

  @Option(
      names = "--profile",
      paramLabel = "PROFILE",
      description = "interactive, autonomous (default) or ci: the defaults used.")
  String profile;

  ProfileDefaults profile() {
    String p = profile == null ? "autonomous" : profile;
    Profile parsed =
        Profile.fromWire(p)
            .orElseThrow(
                () ->
                    new AgentException(
                        ExitCode.USAGE,
                        "--profile '" + p + "' is not interactive, autonomous or ci"));
    return ProfileDefaults.of(parsed);
  }

  Map<String, String> permissions(ProfileDefaults defaults) {
    if (permissions == null) {
      return defaults.permissions();
    }
    try {
      return Values.permissions("--permissions", permissions);
    } catch (IllegalArgumentException e) {
      throw new AgentException(ExitCode.USAGE, e.getMessage());
    }
  }
}
