package dev.agentbroker.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalKey;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.config.JournalIntegritySettings;
import dev.agentbroker.testkit.MutableClock;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Start-up of the journal as the BrokerBeans journal producer runs it: each case prepares a journal
 * directory, key and cursor, then the broker either starts or refuses with a message naming the
 * setting.
 */
class JournalStartupTest {
  @TempDir Path tmp;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00Z"));
  private Path journal;
  private Path cursor;
  private Path keyFile;
  private Path otherKeyFile;

  @BeforeEach
  void files() throws Exception {
    journal = tmp.resolve("journal");
    cursor = tmp.resolve("hec-cursor.json");
    keyFile = key("journal.key", 1, "rw-------");
    otherKeyFile = key("other.key", 2, "r--------");
  }

  private Path key(String name, int seed, String mode) throws Exception {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) seed);
    Path f = tmp.resolve(name);
    Files.writeString(f, Base64.getEncoder().encodeToString(b));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  interface Prepare {
    void run(JournalStartupTest t) throws Exception;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no key: unkeyed journal starts", (Prepare) t -> {}, Map.of(), null),
        Arguments.of(
            "keyed journal across restart starts",
            (Prepare) t -> t.write(t.keyed(), 5),
            Map.of("key-file", "@key"),
            null),
        Arguments.of(
            "key file too open: refuse naming the setting",
            (Prepare)
                t ->
                    Files.setPosixFilePermissions(
                        t.keyFile, PosixFilePermissions.fromString("rw-r--r--")),
            Map.of("key-file", "@key"),
            "audit journal key unreadable (broker.audit.integrity.key-file"
                + " (BROKER_AUDIT_INTEGRITY_KEY_FILE))"),
        Arguments.of(
            "key file missing: refuse naming the setting",
            (Prepare) t -> Files.delete(t.keyFile),
            Map.of("key-file", "@key"),
            "BROKER_AUDIT_INTEGRITY_KEY_FILE"),
        Arguments.of(
            "wrong key: refuse",
            (Prepare) t -> t.write(t.keyed(), 5),
            Map.of("key-file", "@other"),
            "(WRONG_KEY)"),
        Arguments.of(
            "record edited in an old segment (recovery alone checks the last two): refuse",
            (Prepare)
                t -> {
                  t.write(t.keyed(), 30);
                  t.editFirstSegment();
                },
            Map.of("key-file", "@key"),
            "failed start-up verification (BROKEN)"),
        Arguments.of(
            "unkeyed journal shorter than the shipping cursor: refuse",
            (Prepare)
                t -> {
                  t.write(t.unkeyed(), 5);
                  ShippingCursor.open(t.cursor).commit(12);
                },
            Map.of(),
            "(TRUNCATED): journal ends at seq 10 but the shipping cursor says seq 12"),
        Arguments.of(
            "truncated journal with the override: starts",
            (Prepare)
                t -> {
                  t.write(t.unkeyed(), 5);
                  ShippingCursor.open(t.cursor).commit(12);
                },
            Map.of("allow-unverified-start", "true"),
            null),
        Arguments.of(
            "verification over budget: refuse naming the budget",
            (Prepare) t -> t.write(t.keyed(), 30),
            Map.of("key-file", "@key", "verify-budget", "1ms"),
            "raise broker.audit.integrity.verify-budget"),
        Arguments.of(
            "legacy journal under a key without migrate-legacy: refuse",
            (Prepare) t -> t.write(t.unkeyed(), 5),
            Map.of("key-file", "@key"),
            "broker.audit.integrity.migrate-legacy=true"),
        Arguments.of(
            "legacy journal under a key with migrate-legacy: starts",
            (Prepare) t -> t.write(t.unkeyed(), 5),
            Map.of("key-file", "@key", "migrate-legacy", "true"),
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void startUp(String name, Prepare prepare, Map<String, String> props, String refusal)
      throws Exception {
    prepare.run(this);
    JournalIntegritySettings settings = settings(props);
    // Each verification step reads the clock; a 1 ms budget is spent by the second segment.
    Clock c = props.containsKey("verify-budget") ? new Ticking() : clock;
    if (refusal == null) {
      try (FileJournal j = JournalStartup.open(audit(), settings, cursor, c)) {
        assertTrue(j.stats().healthy());
      }
      return;
    }
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> JournalStartup.open(audit(), settings, cursor, c));
    assertTrue(e.getMessage().contains(refusal), e.getMessage());
    assertTrue(e.getMessage().contains("broker not started"), e.getMessage());
    for (Path k : List.of(keyFile, otherKeyFile)) {
      if (Files.exists(k)) {
        assertFalse(e.getMessage().contains(Files.readString(k).strip()), "key material in error");
      }
    }
    if (e.getMessage().contains("verification")) {
      assertTrue(
          e.getMessage().contains("BROKER_AUDIT_INTEGRITY_ALLOW_UNVERIFIED_START"), e.getMessage());
    }
  }

  @Test
  void settingsProblemsNameThePropertyAndTheEnvVar() {
    List<String> problems =
        JournalIntegritySettings.problems(
            settings(
                Map.of(
                    "checkpoint-every", "0", "checkpoint-interval", "0s", "verify-budget", "0s")));
    assertEquals(3, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("BROKER_AUDIT_INTEGRITY_CHECKPOINT_EVERY"));
    assertTrue(problems.get(1).contains("BROKER_AUDIT_INTEGRITY_CHECKPOINT_INTERVAL"));
    assertTrue(problems.get(2).contains("broker.audit.integrity.verify-budget"));
  }

  private JournalIntegritySettings settings(Map<String, String> props) {
    Map<String, String> p = new HashMap<>();
    props.forEach(
        (k, v) ->
            p.put(
                "broker.audit.integrity." + k,
                v.equals("@key")
                    ? keyFile.toString()
                    : v.equals("@other") ? otherKeyFile.toString() : v));
    SmallRyeConfig cfg =
        new SmallRyeConfigBuilder()
            .withMapping(JournalIntegritySettings.class)
            // Quarkus's own "10s" syntax, as in the running broker.
            .withConverter(Duration.class, 200, new DurationConverter())
            .withSources(new PropertiesConfigSource(p, "test", 500))
            .build();
    return cfg.getConfigMapping(JournalIntegritySettings.class);
  }

  private BrokerConfig.Audit audit() {
    return new BrokerConfig.Audit() {
      @Override
      public Path journalDir() {
        return journal;
      }

      @Override
      public long segmentMaxBytes() {
        return 2_000;
      }

      @Override
      public int maxPending() {
        return 100;
      }

      @Override
      public Duration appendTimeout() {
        return Duration.ofSeconds(5);
      }
    };
  }

  private JournalConfig unkeyed() {
    return new JournalConfig(journal, 2_000, 100, Duration.ofSeconds(5));
  }

  private JournalConfig keyed() throws Exception {
    return unkeyed().withKey(JournalKey.fromFile(keyFile));
  }

  private void write(JournalConfig config, int n) throws Exception {
    for (int session = 0; session < 2; session++) {
      try (FileJournal j = FileJournal.open(config, clock)) {
        for (int i = 0; i < n; i++) {
          j.append(
              AuditEvent.builder("token.issue", Outcomes.ALLOWED)
                  .time(clock.instant())
                  .reason("reason-" + session + "-" + i)
                  .build());
        }
      }
    }
  }

  private void editFirstSegment() throws Exception {
    try (Stream<Path> s = Files.list(journal)) {
      Path first =
          s.filter(p -> p.getFileName().toString().startsWith("segment-"))
              .sorted()
              .findFirst()
              .orElseThrow();
      String text = Files.readString(first);
      if (!text.contains("reason-0-1")) {
        fail("fixture: reason-0-1 not in the first segment");
      }
      Files.writeString(first, text.replace("reason-0-1", "reason-0-X"));
    }
  }

  /** Advances one second on every read. */
  private static final class Ticking extends Clock {
    private Instant now = Instant.parse("2025-06-01T00:00:00Z");

    @Override
    public synchronized Instant instant() {
      now = now.plusSeconds(1);
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
