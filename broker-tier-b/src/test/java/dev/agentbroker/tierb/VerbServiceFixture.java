package dev.agentbroker.tierb;

import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.PolicyCompiler;
import dev.agentbroker.request.admission.InMemoryRateLimiter;
import dev.agentbroker.request.admission.RateLimiter;
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
  final InMemoryRateLimiter limiter;
  final InMemoryIdempotencyStore idempotency;
  private final Path journalDir;
  private final CompiledPolicy policy;
  private final VerbExecutor executor;
  private final MutableClock clock;

  VerbServiceFixture(String policyYaml, KeyPair appKey, MutableClock clock, Path dir)
      throws Exception {
    sim = GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), clock);
    GitHubSettings settings = GitHubSettings.defaults(sim.baseUri(), "424242");
    GitHubAppClient app =
        GitHubAppClient.create(
            settings, FileAppJwtSigner.ofKey((RSAPrivateCrtKey) appKey.getPrivate()), clock);
    journalDir = dir.resolve("journal");
    journal = FileJournal.open(JournalConfig.defaults(journalDir), clock);
    policy = PolicyCompiler.compile(policyYaml, "verbs.yaml");
    limiter = new InMemoryRateLimiter(clock);
    idempotency = new InMemoryIdempotencyStore(clock, Duration.ofHours(24));
    executor = new VerbExecutor(app, new GitHubInstallationCalls(settings, clock));
    this.clock = clock;
    service = service(journal, limiter, idempotency);
  }

  /** Another service on the same policy, GitHub and clock, with these parts swapped in. */
  VerbService service(AuditJournal j, RateLimiter l, IdempotencyStore store) {
    return new VerbService(() -> policy, l, store, j, executor, clock);
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
