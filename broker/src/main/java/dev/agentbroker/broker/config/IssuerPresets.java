package dev.agentbroker.broker.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Caller issuers the broker knows by name, and the resolution of one configured issuer into the
 * settings its parser uses. A preset only fills in what is not set, so GitHub Enterprise Server
 * (issuer {@code https://HOST/_services/token}) or a local test issuer can reuse it.
 */
public final class IssuerPresets {
  /** GitHub Actions OIDC (github.com): RS256 tokens, keys from the published JWKS. */
  public static final String GITHUB_ACTIONS = "github-actions";

  public static final String GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

  private record Preset(String issuer, String publicKeyLocation, List<String> algorithms) {}

  private static final Map<String, Preset> PRESETS =
      Map.of(
          GITHUB_ACTIONS,
          new Preset(
              GITHUB_ACTIONS_ISSUER,
              GITHUB_ACTIONS_ISSUER + "/.well-known/jwks",
              List.of("RS256")));

  private IssuerPresets() {}

  /** One issuer as its parser uses it; {@code preset} is empty when none was named. */
  public record Resolved(
      String name,
      Optional<String> preset,
      String issuer,
      String publicKeyLocation,
      List<String> audiences,
      List<String> algorithms,
      boolean human) {}

  /** Applies the preset; problems (unknown preset, missing values) go to {@code problems}. */
  public static Resolved resolve(String name, BrokerConfig.Issuer i, List<String> problems) {
    String p = "broker.jwt.issuers." + name;
    Preset preset = null;
    if (i.preset().isPresent()) {
      preset = PRESETS.get(i.preset().get());
      if (preset == null) {
        problems.add(
            ConfigNames.named(p + ".preset")
                + ": '"
                + i.preset().get()
                + "' is not a known preset ("
                + String.join(", ", PRESETS.keySet())
                + ")");
      } else if (i.human()) {
        problems.add(
            ConfigNames.named(p + ".human")
                + ": the "
                + i.preset().get()
                + " preset is a machine issuer and cannot be human");
      }
    }
    String issuer =
        i.issuer().filter(s -> !s.isBlank()).orElse(preset == null ? "" : preset.issuer());
    String location =
        i.publicKeyLocation()
            .filter(s -> !s.isBlank())
            .orElse(preset == null ? "" : preset.publicKeyLocation());
    List<String> algorithms =
        i.algorithms().orElse(preset == null ? List.of("RS256", "ES256") : preset.algorithms());
    if (issuer.isEmpty()) {
      problems.add(ConfigNames.named(p + ".issuer") + " must be set (or a preset named)");
    }
    if (location.isEmpty()) {
      problems.add(
          ConfigNames.named(p + ".public-key-location") + " must be set (or a preset named)");
    }
    return new Resolved(
        name,
        i.preset(),
        issuer,
        location,
        List.copyOf(i.audiences()),
        new ArrayList<>(algorithms),
        i.human());
  }
}
