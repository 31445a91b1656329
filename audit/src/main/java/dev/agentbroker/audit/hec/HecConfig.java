package dev.agentbroker.audit.hec;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * HEC shipper settings. Build with {@link #builder(URI, String)}; every other setting has the
 * documented default. {@link #toString()} never shows the token or the trust store password.
 *
 * @param url HEC base URL, e.g. {@code https://splunk.example:8088} (paths are appended)
 * @param token HEC token, sent as {@code Authorization: Splunk <token>}
 * @param index target index, or null for the token's default index
 * @param source envelope {@code source}; default {@code agent-broker}
 * @param sourcetype envelope {@code sourcetype}; default {@code github:broker:audit}
 * @param host envelope {@code host}, or null to leave it to the receiver
 * @param maxBatchEvents most events per request; default 500
 * @param maxBatchBytes most bytes of serialized (pre-gzip) payload per request; default 512 KiB. A
 *     single larger event is still sent, alone
 * @param maxBatchDelay how long a partial batch may wait for more events; default 1 s
 * @param gzip compress request bodies; default true
 * @param ack use indexer acknowledgement; default false
 * @param channel {@code X-Splunk-Request-Channel}; default a random UUID per config
 * @param ackPollInterval ack poll period; default 1 s
 * @param ackTimeout resend a batch whose ack has not turned true by then; default 60 s
 * @param backoffBase first retry delay (doubled per attempt, full jitter); default 500 ms
 * @param backoffMax retry delay cap; default 60 s
 * @param permanentFailureRetry retry period while a permanent error holds shipping; default 5 min
 * @param trustStore PKCS12/JKS trust store for TLS, or null for the JDK's default trust
 * @param trustStorePassword its password, or null
 * @param trustStoreType its type; default PKCS12
 * @param connectTimeout TCP/TLS connect timeout; default 10 s
 * @param requestTimeout whole-request timeout; default 30 s
 * @param pollInterval how often an idle shipper looks for new journal records; default 100 ms
 */
public record HecConfig(
    URI url,
    String token,
    String index,
    String source,
    String sourcetype,
    String host,
    int maxBatchEvents,
    int maxBatchBytes,
    Duration maxBatchDelay,
    boolean gzip,
    boolean ack,
    UUID channel,
    Duration ackPollInterval,
    Duration ackTimeout,
    Duration backoffBase,
    Duration backoffMax,
    Duration permanentFailureRetry,
    Path trustStore,
    String trustStorePassword,
    String trustStoreType,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration pollInterval) {

  public static final String DEFAULT_SOURCETYPE = "github:broker:audit";
  public static final String DEFAULT_SOURCE = "agent-broker";

  public HecConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(channel, "channel");
    if (token.isBlank()) {
      throw new IllegalArgumentException("HEC token must not be blank");
    }
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new IllegalArgumentException("HEC url must be http or https");
    }
    if (maxBatchEvents < 1 || maxBatchBytes < 1) {
      throw new IllegalArgumentException("batch limits must be positive");
    }
    for (Duration d :
        new Duration[] {
          maxBatchDelay,
          ackPollInterval,
          ackTimeout,
          backoffBase,
          backoffMax,
          permanentFailureRetry,
          connectTimeout,
          requestTimeout,
          pollInterval
        }) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("durations must be set and not negative");
      }
    }
    sourcetype = sourcetype == null ? DEFAULT_SOURCETYPE : sourcetype;
    source = source == null ? DEFAULT_SOURCE : source;
    trustStoreType = trustStoreType == null ? "PKCS12" : trustStoreType;
  }

  public static Builder builder(URI url, String token) {
    return new Builder(url, token);
  }

  /** A builder pre-filled with this config, to change a few settings. */
  public Builder toBuilder() {
    Builder b = new Builder(url, token);
    b.index = index;
    b.source = source;
    b.sourcetype = sourcetype;
    b.host = host;
    b.maxBatchEvents = maxBatchEvents;
    b.maxBatchBytes = maxBatchBytes;
    b.maxBatchDelay = maxBatchDelay;
    b.gzip = gzip;
    b.ack = ack;
    b.channel = channel;
    b.ackPollInterval = ackPollInterval;
    b.ackTimeout = ackTimeout;
    b.backoffBase = backoffBase;
    b.backoffMax = backoffMax;
    b.permanentFailureRetry = permanentFailureRetry;
    b.trustStore = trustStore;
    b.trustStorePassword = trustStorePassword;
    b.trustStoreType = trustStoreType;
    b.connectTimeout = connectTimeout;
    b.requestTimeout = requestTimeout;
    b.pollInterval = pollInterval;
    return b;
  }

  @Override
  public String toString() {
    return "HecConfig[url="
        + url
        + ", token=<redacted>, index="
        + index
        + ", source="
        + source
        + ", sourcetype="
        + sourcetype
        + ", host="
        + host
        + ", maxBatchEvents="
        + maxBatchEvents
        + ", maxBatchBytes="
        + maxBatchBytes
        + ", maxBatchDelay="
        + maxBatchDelay
        + ", gzip="
        + gzip
        + ", ack="
        + ack
        + ", channel="
        + channel
        + ", trustStore="
        + trustStore
        + ", trustStorePassword="
        + (trustStorePassword == null ? null : "<redacted>")
        + "]";
  }

  /** Mutable builder; see the record components for defaults. */
  public static final class Builder {
    private final URI url;
    private final String token;
    private String index;
    private String source = DEFAULT_SOURCE;
    private String sourcetype = DEFAULT_SOURCETYPE;
    private String host;
    private int maxBatchEvents = 500;
    private int maxBatchBytes = 512 * 1024;
    private Duration maxBatchDelay = Duration.ofSeconds(1);
    private boolean gzip = true;
    private boolean ack;
    private UUID channel = UUID.randomUUID();
    private Duration ackPollInterval = Duration.ofSeconds(1);
    private Duration ackTimeout = Duration.ofSeconds(60);
    private Duration backoffBase = Duration.ofMillis(500);
    private Duration backoffMax = Duration.ofSeconds(60);
    private Duration permanentFailureRetry = Duration.ofMinutes(5);
    private Path trustStore;
    private String trustStorePassword;
    private String trustStoreType = "PKCS12";
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration pollInterval = Duration.ofMillis(100);

    private Builder(URI url, String token) {
      this.url = url;
      this.token = token;
    }

    public Builder index(String v) {
      index = v;
      return this;
    }

    public Builder source(String v) {
      source = v;
      return this;
    }

    public Builder sourcetype(String v) {
      sourcetype = v;
      return this;
    }

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder maxBatchEvents(int v) {
      maxBatchEvents = v;
      return this;
    }

    public Builder maxBatchBytes(int v) {
      maxBatchBytes = v;
      return this;
    }

    public Builder maxBatchDelay(Duration v) {
      maxBatchDelay = v;
      return this;
    }

    public Builder gzip(boolean v) {
      gzip = v;
      return this;
    }

    /** Turns indexer acknowledgement on with this channel (null keeps the random one). */
    public Builder ack(boolean on, UUID channelId) {
      ack = on;
      if (channelId != null) {
        channel = channelId;
      }
      return this;
    }

    public Builder ackTiming(Duration pollInterval, Duration timeout) {
      ackPollInterval = pollInterval;
      ackTimeout = timeout;
      return this;
    }

    public Builder backoff(Duration base, Duration max) {
      backoffBase = base;
      backoffMax = max;
      return this;
    }

    public Builder permanentFailureRetry(Duration v) {
      permanentFailureRetry = v;
      return this;
    }

    public Builder trustStore(Path path, String password, String type) {
      trustStore = path;
      trustStorePassword = password;
      trustStoreType = type;
      return this;
    }

    public Builder timeouts(Duration connect, Duration request) {
      connectTimeout = connect;
      requestTimeout = request;
      return this;
    }

    public Builder pollInterval(Duration v) {
      pollInterval = v;
      return this;
    }

    public HecConfig build() {
      return new HecConfig(
          url,
          token,
          index,
          source,
          sourcetype,
          host,
          maxBatchEvents,
          maxBatchBytes,
          maxBatchDelay,
          gzip,
          ack,
          channel,
          ackPollInterval,
          ackTimeout,
          backoffBase,
          backoffMax,
          permanentFailureRetry,
          trustStore,
          trustStorePassword,
          trustStoreType,
          connectTimeout,
          requestTimeout,
          pollInterval);
    }
  }
}
