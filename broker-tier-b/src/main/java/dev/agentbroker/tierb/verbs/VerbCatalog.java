package dev.agentbroker.tierb.verbs;

import java.util.List;
import java.util.Optional;

/** The catalog: every verb the broker can perform. There is no registration API. */
public final class VerbCatalog {
  private static final List<Verb> VERBS =
      List.of(
          new CreateRepo(),
          new SetRepoMetadata(),
          new GrantTeamAccess(),
          new ApplyBranchProtection());

  private VerbCatalog() {}

  public static List<Verb> all() {
    return VERBS;
  }

  public static Optional<Verb> find(String name) {
    return VERBS.stream().filter(v -> v.name().equals(name)).findFirst();
  }
}
