package dev.agentbroker.testkit.github;

import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The world the simulator starts with: one App, its public keys and its installations.
 *
 * @param appId numeric App id accepted as JWT {@code iss}
 * @param clientId App client id, also accepted as {@code iss} (GitHub allows either)
 * @param appKeys public halves of the App's private keys (GitHub allows several at once)
 * @param installations installations of the App
 * @param statelessTokens when true (the default, as on GitHub since mid-2026) mint GitHub's
 *     stateless {@code ghs_<appId>_<JWT>} tokens of ~520 characters; when false the classic
 *     40-character ones. A mint's {@value InstallationTokens#FORMAT_HEADER} header overrides it for
 *     that request, as on GitHub ({@code enabled} / {@code disabled}; other values are ignored).
 */
public record SimulatorFixture(
    long appId,
    String clientId,
    List<PublicKey> appKeys,
    List<Installation> installations,
    boolean statelessTokens) {

  public static final long DEMO_APP_ID = 424242;
  public static final String DEMO_CLIENT_ID = "Iv23liDemoBroker";
  public static final long DEMO_ACME_INSTALLATION_ID = 51_000_001L;
  public static final long DEMO_OCTOCAT_INSTALLATION_ID = 51_000_002L;

  public SimulatorFixture {
    Objects.requireNonNull(clientId, "clientId");
    appKeys = List.copyOf(appKeys);
    installations = List.copyOf(installations);
  }

  /**
   * The demo world: App 424242 ({@code Iv23liDemoBroker}) installed on org {@code acme} (all
   * repositories: svc-a, svc-b, svc-c, docs, release-tools) and user {@code octocat} (selected:
   * hello-world).
   */
  public static SimulatorFixture demo(PublicKey appKey) {
    Map<String, String> acmePerms = new LinkedHashMap<>();
    acmePerms.put("contents", "write");
    acmePerms.put("pull_requests", "write");
    acmePerms.put("issues", "write");
    acmePerms.put("metadata", "read");
    acmePerms.put("actions", "write");
    acmePerms.put("checks", "write");
    acmePerms.put("administration", "write");
    acmePerms.put("members", "read");
    acmePerms.put("workflows", "write");
    Installation acme =
        new Installation(
            DEMO_ACME_INSTALLATION_ID,
            "acme",
            AccountType.ORGANIZATION,
            acmePerms,
            List.of(
                new Repo(700_001L, "svc-a", true),
                new Repo(700_002L, "svc-b", true),
                new Repo(700_003L, "svc-c", true),
                new Repo(700_004L, "docs", false),
                new Repo(700_005L, "release-tools", true)),
            true);
    Map<String, String> octoPerms = new LinkedHashMap<>();
    octoPerms.put("contents", "write");
    octoPerms.put("pull_requests", "write");
    octoPerms.put("metadata", "read");
    Installation octocat =
        new Installation(
            DEMO_OCTOCAT_INSTALLATION_ID,
            "octocat",
            AccountType.USER,
            octoPerms,
            List.of(new Repo(700_101L, "hello-world", false)),
            false);
    return new SimulatorFixture(
        DEMO_APP_ID, DEMO_CLIENT_ID, List.of(appKey), List.of(acme, octocat), true);
  }

  /** Copy with {@code statelessTokens} switched (false: classic 40-character tokens). */
  public SimulatorFixture withStatelessTokens(boolean on) {
    return new SimulatorFixture(appId, clientId, appKeys, installations, on);
  }

  /** The installation with this id, or null. */
  public Installation installation(long id) {
    for (Installation i : installations) {
      if (i.id() == id) {
        return i;
      }
    }
    return null;
  }
}
