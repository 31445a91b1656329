package dev.agentbroker.broker.shipping;

import static dev.agentbroker.broker.config.ConfigNames.named;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@code broker.audit.hec.*}: see docs/configuration.md, "Audit shipping". */
@ConfigMapping(prefix = "broker.audit.hec")
public interface HecSettings {
  /** Ship the journal to HEC. Off by default: the journal alone is already durable. */
  @WithDefault("false")
  boolean enabled();

  /** HEC base URL, e.g. {@code https://splunk.example:8088}. */
  Optional<URI> url();

  /** HEC token; never logged. */
  Optional<String> token();

  Optional<String> index();

  @WithDefault("agent-broker")
  String source();

  @WithDefault("github:broker:audit")
  String sourcetype();

  Optional<String> host();

  @WithDefault("500")
  int batchMaxEvents();

  @WithDefault("524288")
  int batchMaxBytes();

  @WithDefault("1s")
  Duration batchMaxDelay();

  @WithDefault("true")
  boolean gzip();

  @WithDefault("false")
  boolean ackEnabled();

  Optional<UUID> ackChannel();

  @WithDefault("1s")
  Duration ackPollInterval();

  @WithDefault("60s")
  Duration ackTimeout();

  @WithDefault("500ms")
  Duration backoffBase();

  @WithDefault("60s")
  Duration backoffMax();

  @WithDefault("5m")
  Duration permanentFailureRetry();

  Optional<Path> truststorePath();

  Optional<String> truststorePassword();

  @WithDefault("PKCS12")
  String truststoreType();

  @WithDefault("10s")
  Duration connectTimeout();

  @WithDefault("30s")
  Duration requestTimeout();

  /** Durable shipping cursor; default {@code hec-cursor.json} next to the journal directory. */
  Optional<Path> cursorFile();

  /** Every problem of an enabled shipper's settings, each naming its property and env var. */
  static List<String> problems(HecSettings s) {
    List<String> out = new ArrayList<>();
    if (!s.enabled()) {
      return out;
    }
    if (s.url().isEmpty()) {
      out.add(named("broker.audit.hec.url") + " must be set when broker.audit.hec.enabled=true");
    }
    if (s.token().filter(t -> !t.isBlank()).isEmpty()) {
      out.add(named("broker.audit.hec.token") + " must be set when broker.audit.hec.enabled=true");
    }
    return out;
  }

  /** The cursor file in effect for {@code journalDir}: set, or the default next to it. */
  default Path cursorFile(Path journalDir) {
    return cursorFile().orElse(journalDir.toAbsolutePath().resolveSibling("hec-cursor.json"));
  }
}
