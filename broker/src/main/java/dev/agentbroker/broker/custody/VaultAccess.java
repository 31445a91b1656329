package dev.agentbroker.broker.custody;

import io.quarkus.vault.VaultKVSecretEngine;
import io.quarkus.vault.VaultTransitSecretEngine;
import io.quarkus.vault.client.VaultClient;
import io.quarkus.vault.client.auth.VaultAppRoleAuthOptions;
import io.quarkus.vault.client.http.jdk.JDKVaultHttpClient;
import io.quarkus.vault.runtime.VaultConfigHolder;
import io.quarkus.vault.runtime.VaultKvManager;
import io.quarkus.vault.runtime.VaultTransitManager;
import io.quarkus.vault.runtime.client.JDKClientFactory;
import io.quarkus.vault.runtime.config.VaultAppRoleAuthenticationConfig;
import io.quarkus.vault.runtime.config.VaultRuntimeConfig;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The broker's own OpenBao/Vault client, configured from the standard {@code quarkus.vault.*} keys.
 *
 * <p>Why not the extension's shared client: quarkus-vault 4.7.0 unwraps a wrapped secret_id lazily
 * on first use and caches the result for one hour only, so a re-login after that hour would try to
 * unwrap the (already used) token again and fail for good; and it never refuses start-up. Here the
 * wrapping token is unwrapped exactly once, at start-up, and the secret_id is then held in memory
 * for re-logins. Login, token renewal before expiry ({@code quarkus.vault.renew-grace-period}) and
 * re-login after a 403 are quarkus-vault's caching AppRole token provider; the KV and Transit
 * engines are quarkus-vault's own, bound to this client.
 */
final class VaultAccess {
  private final VaultClient client;
  private final String baseUrl;
  private final Duration timeout;
  private final VaultConfigHolder holder;

  private VaultAccess(VaultClient client, String baseUrl, Duration timeout, VaultConfigHolder h) {
    this.client = client;
    this.baseUrl = baseUrl;
    this.timeout = timeout;
    this.holder = h;
  }

  /**
   * Unwraps (if configured), logs in and looks the token up once, so that every configuration or
   * reachability problem stops start-up here with one sentence.
   */
  static VaultAccess open(VaultConfigHolder holder, Clock clock) {
    VaultRuntimeConfig cfg = holder.getVaultRuntimeConfig();
    String url =
        cfg.url()
            .orElseThrow(() -> new IllegalStateException("quarkus.vault.url is not set"))
            .toString();
    Duration timeout = cfg.readTimeout().plus(cfg.connectTimeout());
    HttpClient http = JDKClientFactory.createHttpClient(cfg, false);
    VaultClient.Builder base =
        VaultClient.builder()
            .baseUrl(url)
            .executor(new JDKVaultHttpClient(http))
            .requestTimeout(cfg.readTimeout())
            .logConfidentialityLevel(cfg.logConfidentialityLevel())
            .instantSource(clock);
    cfg.enterprise().namespace().ifPresent(base::namespace);
    var auth = cfg.authentication();
    VaultClient client;
    if (auth.clientToken().isPresent()) {
      // A static token: for development and the real-server IT only; it is never renewed.
      client = base.clientToken(auth.clientToken().get()).build();
    } else {
      VaultAppRoleAuthenticationConfig role = auth.appRole();
      if (role.roleId().isEmpty()) {
        throw new IllegalStateException(
            "quarkus.vault.authentication.app-role.role-id is not set (AppRole login required)");
      }
      String secretId;
      if (role.secretIdWrappingToken().isPresent()) {
        secretId = unwrapOnce(base.build(), role.secretIdWrappingToken().get(), url, timeout);
      } else {
        secretId =
            role.secretId()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "quarkus.vault.authentication.app-role.secret-id or"
                                + " .secret-id-wrapping-token must be set"));
      }
      client =
          base.appRole(
                  VaultAppRoleAuthOptions.builder()
                      .mountPath(role.authMountPath())
                      .roleId(role.roleId().get())
                      .secretId(secretId)
                      .caching(cfg.renewGracePeriod())
                      .build())
              .build();
    }
    VaultAccess access = new VaultAccess(client, url, timeout, holder);
    try {
      client
          .auth()
          .token()
          .lookupSelf()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("OpenBao login failed: " + VaultFailures.describe(e, url));
    }
    return access;
  }

  /**
   * The single unwrap. A 400 means the wrapping token was already used (by someone else: possibly
   * stolen) or has expired; either way the broker must not start, and a human must issue a new one.
   */
  private static String unwrapOnce(
      VaultClient unauth, String wrappingToken, String url, Duration t) {
    Map<String, Object> data;
    try {
      data =
          unauth
              .sys()
              .wrapping()
              .unwrap(wrappingToken)
              .toCompletableFuture()
              .get(t.toMillis(), TimeUnit.MILLISECONDS)
              .getData();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      String why = VaultFailures.describe(e, url);
      if (why.startsWith("OpenBao answered 400")) {
        throw new IllegalStateException(
            "the response-wrapped secret_id was already unwrapped or has expired; issue a new"
                + " wrapping token (a used one may mean it was intercepted): "
                + why);
      }
      throw new IllegalStateException("cannot unwrap the AppRole secret_id: " + why);
    }
    Object secretId = data == null ? null : data.get("secret_id");
    if (!(secretId instanceof String s) || s.isEmpty()) {
      throw new IllegalStateException("the unwrapped response carries no secret_id");
    }
    return s;
  }

  VaultKVSecretEngine kv() {
    return new VaultKVSecretEngine(new VaultKvManager(client, holder));
  }

  VaultTransitSecretEngine transit() {
    return new VaultTransitSecretEngine(new VaultTransitManager(client, holder));
  }

  String baseUrl() {
    return baseUrl;
  }

  Duration timeout() {
    return timeout;
  }

  String kvMount() {
    return holder.getVaultRuntimeConfig().kvSecretEngineMountPath();
  }

  String transitMount() {
    return holder.getVaultRuntimeConfig().transitSecretEngineMountPath();
  }

  @Override
  public String toString() {
    return "VaultAccess[" + baseUrl + "]";
  }
}
