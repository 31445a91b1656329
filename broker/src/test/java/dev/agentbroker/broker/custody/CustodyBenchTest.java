package dev.agentbroker.broker.custody;

import dev.agentbroker.policy.Scope;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import dev.agentbroker.testkit.openbao.OpenBaoSimulator;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubSettings;
import dev.agentbroker.tiera.keys.AppJwtSigner;
import dev.agentbroker.tiera.keys.FileAppJwtSigner;
import dev.agentbroker.tiera.keys.TransitAppJwtSigner;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Mint throughput, file vs. Transit key source, same run, in-process against the GitHub and OpenBao
 * simulators (docs/performance.md). Off by default: {@code -Dbench.custody=true}.
 */
@EnabledIfSystemProperty(named = "bench.custody", matches = "true")
class CustodyBenchTest {
  private static final int THREADS = 8;
  private static final Duration WARMUP = Duration.ofSeconds(3);
  private static final Duration RUN = Duration.ofSeconds(10);

  @Test
  void fileVersusTransit() throws Exception {
    KeyPair app = TestKeys.rsa2048();
    try (GitHubSimulator gh =
            GitHubSimulator.start(SimulatorFixture.demo(app.getPublic()), Clock.systemUTC());
        OpenBaoSimulator bao = OpenBaoSimulator.start(Clock.systemUTC())) {
      String roleId =
          bao.createAppRole("b", List.of("transit/*"), Duration.ofHours(1), Duration.ofHours(2));
      bao.importTransitKey("k", app);
      VaultAccess access =
          VaultAccess.open(
              VaultStartupTest.holder(
                  Map.of(
                      "quarkus.vault.url",
                      bao.baseUri().toString(),
                      "quarkus.vault.authentication.app-role.role-id",
                      roleId,
                      "quarkus.vault.authentication.app-role.secret-id",
                      bao.secretId(roleId),
                      "quarkus.vault.renew-grace-period",
                      "5m")),
              Clock.systemUTC());
      AppJwtSigner file = FileAppJwtSigner.ofKey((RSAPrivateCrtKey) app.getPrivate());
      AppJwtSigner transit = new TransitAppJwtSigner(new VaultTransitSigner(access, "k"));
      for (int round = 0; round < 2; round++) {
        for (AppJwtSigner s : List.of(file, transit)) {
          double perSec = run(gh, s);
          System.out.printf(
              "BENCH round=%d source=%s threads=%d mints_per_s=%.0f%n",
              round, s.describe(), THREADS, perSec);
        }
      }
      long signs =
          bao.requests().stream().filter(r -> r.path().startsWith("/v1/transit/sign")).count();
      System.out.printf("BENCH transit_sign_calls=%d%n", signs);
    }
  }

  private static double run(GitHubSimulator gh, AppJwtSigner signer) throws Exception {
    GitHubSettings settings =
        new GitHubSettings(
            gh.baseUri(),
            "424242",
            "bench",
            GitHubSettings.DEFAULT_API_VERSION,
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            1,
            Duration.ofMillis(5),
            Duration.ofMillis(20),
            Duration.ofMinutes(10),
            Duration.ofSeconds(30));
    GitHubAppClient client = GitHubAppClient.create(settings, signer, Clock.systemUTC());
    Scope scope = new Scope("acme", List.of("docs"), List.of(), Map.of("contents", "read"));
    long id = client.installationId("acme");
    AtomicLong count = new AtomicLong();
    AtomicBoolean counting = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    for (int i = 0; i < THREADS; i++) {
      pool.submit(
          () -> {
            while (!stop.get()) {
              client.mint(id, scope);
              if (counting.get()) {
                count.incrementAndGet();
              }
            }
            return null;
          });
    }
    Thread.sleep(WARMUP.toMillis());
    counting.set(true);
    long t0 = System.nanoTime();
    Thread.sleep(RUN.toMillis());
    long n = count.get();
    double secs = (System.nanoTime() - t0) / 1e9;
    stop.set(true);
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    return n / secs;
  }
}
