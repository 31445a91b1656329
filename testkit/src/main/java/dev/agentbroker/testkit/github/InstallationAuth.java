package dev.agentbroker.testkit.github;

/**
 * The installation-token checks of repository endpoints, in the order GitHub applies them: a token
 * at all (401 "Requires authentication"), a live one (401 "Bad credentials"), an installation that
 * is not suspended (403), a repository the token can see (404, because GitHub does not reveal what
 * a token cannot see), then the permission (403 "Resource not accessible by integration").
 */
final class InstallationAuth {
  private final SimulatorState state;

  InstallationAuth(SimulatorState state) {
    this.state = state;
  }

  /** A repository a token reaches, with the names as GitHub spells them (for URLs). */
  record Target(Installation installation, Repo repo) {
    String owner() {
      return installation.account();
    }

    String name() {
      return repo.name();
    }
  }

  /** The live token named by the Authorization header ({@code token X} or {@code Bearer X}). */
  IssuedToken authenticate(ApiRequest req) {
    String auth = req.header("Authorization");
    if (auth == null || auth.isBlank()) {
      throw new ApiException(401, Messages.REQUIRES_AUTHENTICATION, Messages.DOCS_REST);
    }
    IssuedToken t = state.live(TokenEndpoints.credential(auth));
    if (t == null) {
      throw ApiException.badCredentials();
    }
    if (state.suspendedAt(t.installationId()) != null) {
      throw new ApiException(403, Messages.SUSPENDED);
    }
    return t;
  }

  /**
   * The repository if {@code t} reaches {@code owner/repo} (case-insensitive); 404 otherwise. A
   * token minted for "all" repositories also reaches repositories created after it was minted.
   */
  Target reach(IssuedToken t, String owner, String repo) {
    Installation inst = state.installation(t.installationId());
    if (inst == null || !inst.account().equalsIgnoreCase(owner)) {
      throw ApiException.notFound();
    }
    Repo r = SimulatorState.repoByName(inst, repo);
    if (r == null) {
      throw ApiException.notFound();
    }
    boolean all = "all".equals(t.repositorySelection());
    if (!all && t.repositories().stream().noneMatch(x -> x.id() == r.id())) {
      throw ApiException.notFound();
    }
    return new Target(inst, r);
  }

  /** 403 unless {@code t} has {@code permission} at {@code level} or above. */
  static void require(IssuedToken t, String permission, String level) {
    String has = t.permissions().get(permission);
    if (has == null || Permissions.rank(has) < Permissions.rank(level)) {
      throw new ApiException(403, Messages.NOT_ACCESSIBLE);
    }
  }
}
