package dev.agentbroker.tiera.github;

import dev.agentbroker.tiera.internal.GitHubHttp;
import dev.agentbroker.tiera.internal.Sleeper;
import java.time.Clock;

/**
 * REST calls made with an installation token (Tier B's org-admin work). Same headers, rate-limit
 * handling and retry rules as the App client, except that a {@code POST} is never retried: a
 * retried create after a lost answer would create twice.
 */
public final class GitHubInstallationCalls {
  private final GitHubHttp retrying;
  private final GitHubHttp once;

  public GitHubInstallationCalls(GitHubSettings settings, Clock clock) {
    this(settings, clock, Sleeper.REAL);
  }

  GitHubInstallationCalls(GitHubSettings settings, Clock clock, Sleeper sleeper) {
    this.retrying = new GitHubHttp(settings, clock, sleeper);
    GitHubSettings single =
        new GitHubSettings(
            settings.apiUrl(),
            settings.appIssuer(),
            settings.userAgent(),
            settings.apiVersion(),
            settings.connectTimeout(),
            settings.requestTimeout(),
            1,
            settings.backoffBase(),
            settings.backoffMax(),
            settings.installationCacheTtl(),
            settings.installationMissTtl());
    this.once = new GitHubHttp(single, clock, sleeper);
  }

  /** Calls {@code path} with {@code token}; the token is never logged or put in an exception. */
  public GitHubAnswer call(String token, String method, String path, String jsonBody)
      throws GitHubException {
    GitHubHttp http = "POST".equals(method) ? once : retrying;
    GitHubHttp.Answer a = http.send(method, path, "token " + token, jsonBody);
    return new GitHubAnswer(a.status(), a.body());
  }
}
