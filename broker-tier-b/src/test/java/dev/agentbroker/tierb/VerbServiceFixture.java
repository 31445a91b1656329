package dev.agentbroker.tierb;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.PolicyCompiler;
import dev.agentbroker.request.admission.InMemoryRateLimiter;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubInstallationCalls;
import dev.agentbroker.tiera.github.GitHubSettings;
import dev.agentbroker.tiera.keys.FileAppJwtSigner;
import dev.agentbroker.tierb.internal.VerbExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * A {@link VerbService} below HTTP for the end-to-end tests: real policy, journal ({@code
 * dir/journal}), in-memory limiter and idempotency store; simulated GitHub.
 */
final class VerbServiceFixture {
  final GitHubSimulator sim;
  final FileJournal journal;
  final VerbService service;
  private final Path journalDir;

  VerbServiceFixture(String policyYaml, KeyPair appKey, MutableClock clock, Path dir)
      throws Exception {
    sim = GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), clock);
    GitHubSettings settings = GitHubSettings.defaults(sim.baseUri(), "424242");
    GitHubAppClient app =
        GitHubAppClient.create(
            settings, FileAppJwtSigner.ofKey((RSAPrivateCrtKey) appKey.getPrivate()), clock);
    journalDir = dir.resolve("journal");
    journal = FileJournal.open(JournalConfig.defaults(journalDir), clock);
    CompiledPolicy policy = PolicyCompiler.compile(policyYaml, "verbs.yaml");
    service =
        new VerbService(
            () -> policy,
            new InMemoryRateLimiter(clock),
            new InMemoryIdempotencyStore(clock, Duration.ofHours(24)),
            journal,
            new VerbExecutor(app, new GitHubInstallationCalls(settings, clock)),
            clock);
  }

  void close() {
    journal.close();
    sim.close();
  }

  /** Every journal segment's text, in order. */
  String readJournal() throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.list(journalDir)) {
      for (Path p : s.sorted().toList()) {
        if (p.getFileName().toString().startsWith("segment-")) {
          sb.append(Files.readString(p));
        }
      }
    }
    return sb.toString();
  }
}
