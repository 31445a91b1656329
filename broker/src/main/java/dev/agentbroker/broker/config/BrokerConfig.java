package dev.agentbroker.broker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every {@code broker.*} key; {@code docs/configuration.md} documents each one. */
@ConfigMapping(prefix = "broker")
public interface BrokerConfig {

  GitHub github();

  Key key();

  Policy policy();

  Audit audit();

  Jwt jwt();

  Leases leases();

  Verbs verbs();

  /** How the broker reaches GitHub (or GitHub Enterprise Server, or the simulator). */
  interface GitHub {
    /** REST API base URL; GHES: {@code https://HOST/api/v3}. */
    @WithDefault("https://api.github.com")
    URI apiUrl();

    /** Numeric App ID; used as the App JWT {@code iss} unless a client ID is set. */
    Optional<Long> appId();

    /** App client ID ({@code Iv23…}); preferred JWT {@code iss} when set (not for GHES ≤ 3.13). */
    Optional<String> clientId();

    @WithDefault("agent-broker/0.1")
    String userAgent();

    @WithDefault("2022-11-28")
    String apiVersion();

    @WithDefault("5s")
    Duration connectTimeout();

    @WithDefault("10s")
    Duration requestTimeout();

    /** Attempts per GitHub call for 5xx and network errors (rate limits are never retried). */
    @WithDefault("3")
    int maxAttempts();

    @WithDefault("200ms")
    Duration backoffBase();

    @WithDefault("2s")
    Duration backoffMax();

    @WithDefault("10m")
    Duration installationCacheTtl();

    @WithDefault("30s")
    Duration installationMissTtl();
  }

  /** Where the App private key lives; {@code docs/key-custody.md} explains the modes. */
  interface Key {
    /**
     * {@code file} (dev/demo), {@code vault-kv} (PEM from OpenBao KV v2, in memory only) or {@code
     * vault-transit} (signed by OpenBao Transit; the key never leaves it — production).
     */
    @WithDefault("file")
    String source();

    /**
     * PEM file (PKCS#1 or PKCS#8) for {@code source=file}; never world-readable, and group-readable
     * only when its group is the broker's primary group or {@link #fileGroup()}.
     */
    Optional<Path> file();

    /** Numeric gid that may read {@link #file()} besides the broker's own primary group. */
    Optional<Integer> fileGroup();

    /** KV v2 secret path (below {@code quarkus.vault.kv-secret-engine-mount-path}) for vault-kv. */
    Optional<String> vaultKvPath();

    /** Field of that secret holding the PEM. */
    @WithDefault("private_key")
    String vaultKvField();

    /** Transit key name (below {@code quarkus.vault.transit-secret-engine-mount-path}). */
    Optional<String> transitKey();

    /**
     * How often the key source is checked (readiness) and, for vault-kv, the PEM re-read so a
     * rotated key is picked up without a restart.
     */
    @WithDefault("60s")
    Duration refreshInterval();
  }

  interface Policy {
    /** Policy YAML; the broker refuses to start if it cannot be read and compiled. */
    Path file();

    /** How often the file is checked for changes; a broken change keeps the last good policy. */
    @WithDefault("10s")
    Duration reloadInterval();
  }

  interface Audit {
    /** Directory of the durable, hash-chained audit journal. */
    @WithDefault("data/journal")
    Path journalDir();

    @WithDefault("67108864")
    long segmentMaxBytes();

    /** Appends waiting for fsync beyond this are refused with {@code audit_unavailable}. */
    @WithDefault("10000")
    int maxPending();

    @WithDefault("5s")
    Duration appendTimeout();
  }

  interface Jwt {
    /** Trusted caller issuers, keyed by a local name; each is verified by its own parser. */
    Map<String, Issuer> issuers();

    /** Allowed clock skew for {@code exp}/{@code nbf}/{@code iat}, in seconds (0 to 120). */
    @WithDefault("30")
    int clockSkewSeconds();
  }

  interface Issuer {
    /**
     * A well-known issuer whose {@code issuer}, {@code public-key-location} and {@code algorithms}
     * default from {@link IssuerPresets} (each may still be set, e.g. for GitHub Enterprise
     * Server): {@code github-actions}.
     */
    Optional<String> preset();

    /** Exact {@code iss} value (required unless a preset gives it). */
    Optional<String> issuer();

    /**
     * PEM public key or JWKS: file path, {@code file:}, {@code classpath:} or {@code https:} URL;
     * never {@code http:} (a JWKS fetched in clear text could be swapped on the way).
     */
    Optional<String> publicKeyLocation();

    /** Accepted {@code aud} values; a token must carry at least one. */
    List<String> audiences();

    /** Accepted algorithms: {@code RS256} and/or {@code ES256} (default: both, or the preset's). */
    Optional<List<String>> algorithms();

    /** Human-only issuer (break-glass); never used for agent identities. */
    @WithDefault("false")
    boolean human();

    /** Longest accepted {@code exp - iat} of this issuer's tokens (at most 24h). */
    @WithDefault("1h")
    Duration maxTokenLifetime();
  }

  interface Verbs {
    /**
     * How long a verb call's {@code Idempotency-Key} record is kept (in Redis when the rate limits
     * use Redis, so replicas share it); a retry after that runs the verb again.
     */
    @WithDefault("24h")
    Duration idempotencyTtl();
  }

  interface Leases {
    /** Outstanding revocable tokens kept in memory; beyond this, mints are refused. */
    @WithDefault("1000000")
    int capacity();
  }
}
