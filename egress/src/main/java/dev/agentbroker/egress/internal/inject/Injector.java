package dev.agentbroker.egress.internal.inject;

import dev.agentbroker.audit.AuditEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The injecting mode as the proxy sees it: whether a CONNECT is intercepted, and the session that
 * takes over an intercepted tunnel once its upstream is connected. Owns the CA, the run registry,
 * the registration API, the broker client's worker threads and the expiry sweep.
 */
public final class Injector implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("dev.agentbroker.egress.inject");

  /** How long the in-memory CA is valid; it is replaced on every start. */
  static final Duration CA_VALIDITY = Duration.ofDays(30);

  private final InjectSettings settings;
  private final CertificateAuthority ca;
  private final SslContext upstreamTls;
  private final RunRegistry runs;
  private final RequestAudit audit;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService sweeper;
  private final ControlServer control;

  private Injector(
      InjectSettings settings,
      CertificateAuthority ca,
      SslContext upstreamTls,
      RunRegistry runs,
      RequestAudit audit,
      ThreadPoolExecutor workers,
      ScheduledExecutorService sweeper,
      ControlServer control) {
    this.settings = settings;
    this.ca = ca;
    this.upstreamTls = upstreamTls;
    this.runs = runs;
    this.audit = audit;
    this.workers = workers;
    this.sweeper = sweeper;
    this.control = control;
  }

  /**
   * Generates the CA, writes its certificate (only) where configured, and starts the registration
   * API.
   *
   * @param tokens where tokens come from; null for the broker named in the settings
   */
  public static Injector start(
      InjectSettings s, Consumer<AuditEvent> auditSink, Clock clock, TokenSource tokens)
      throws IOException {
    byte[] secret = secretSha256(s.controlSecretFile());
    CertificateAuthority ca =
        CertificateAuthority.generate(
            "egress-" + ProcessHandle.current().pid(), CA_VALIDITY, s.leafValidity());
    if (s.caCertFile().isPresent()) {
      Files.writeString(s.caCertFile().get(), ca.certificatePem(), StandardCharsets.US_ASCII);
    }
    SslContextBuilder up = SslContextBuilder.forClient().protocols("TLSv1.3", "TLSv1.2");
    if (s.upstreamCaFile().isPresent()) {
      up.trustManager(s.upstreamCaFile().get().toFile());
    }
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            4,
            4,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(4096),
            InjectWorkers.named("egress-inject"));
    workers.allowCoreThreadTimeOut(true);
    TokenSource source =
        tokens != null
            ? tokens
            : new BrokerTokens(s.brokerUrl(), s.brokerJwtFile(), s.brokerCaFile());
    RunRegistry runs = new RunRegistry(s.users(), s.maxRuns(), source, workers, clock);
    ScheduledExecutorService sweeper =
        Executors.newSingleThreadScheduledExecutor(InjectWorkers.named("egress-inject-expiry"));
    sweeper.scheduleWithFixedDelay(runs::expireDue, 5, 5, TimeUnit.SECONDS);
    ControlServer control = null;
    try {
      control = ControlServer.start(s.controlListen(), secret, runs, ca.certificatePem(), clock);
      LOG.info(
          "inject: github mode for users "
              + s.users()
              + ", hosts "
              + s.hosts()
              + ", registration API on "
              + control.address());
      return new Injector(
          s, ca, up.build(), runs, new RequestAudit(auditSink, clock), workers, sweeper, control);
    } catch (IOException | RuntimeException e) {
      if (control != null) {
        control.close();
      }
      sweeper.shutdownNow();
      workers.shutdownNow();
      throw e;
    }
  }

  /** Whether a CONNECT of {@code user} to {@code host} is terminated here instead of tunnelled. */
  public boolean intercepts(String user, String host) {
    return settings.users().contains(user) && settings.intercepts(host);
  }

  /** Takes over an allowed, connected tunnel (on its event loop). */
  public InjectSession open(
      Channel client,
      Channel upstream,
      String connectionId,
      String clientText,
      String user,
      String host,
      int port,
      byte[] leftover,
      List<ByteBuf> early,
      ByteBuf established) {
    InjectSession s =
        new InjectSession(
            this,
            client,
            upstream,
            host,
            port,
            new RequestAudit.Context(connectionId, clientText, user, host, "-", "-"));
    s.start(leftover, early, established);
    return s;
  }

  public String caPem() {
    return ca.certificatePem();
  }

  public CertificateAuthority ca() {
    return ca;
  }

  public RunRegistry runs() {
    return runs;
  }

  public java.net.InetSocketAddress controlAddress() {
    return control.address();
  }

  /** TLS toward the real upstream: SNI and host name verification for {@code host}. */
  SslHandler upstreamTls(ByteBufAllocator alloc, String host, int port) {
    SslHandler h = upstreamTls.newHandler(alloc, host, port);
    SSLEngine engine = h.engine();
    SSLParameters p = engine.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(p);
    return h;
  }

  RequestAudit audit() {
    return audit;
  }

  /** Ends every run (revoking their tokens) and stops the registration API. */
  @Override
  public void close() {
    control.close();
    sweeper.shutdownNow();
    for (String id : runs.runIds()) {
      runs.unregister(id);
    }
    workers.shutdown();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The registration secret's SHA-256; the file must not be readable by group or others (the
   * sandbox must never be able to read it).
   */
  static byte[] secretSha256(Path file) throws IOException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.OTHERS_READ)
          || perms.contains(PosixFilePermission.GROUP_READ)) {
        throw new IOException(
            "inject.control_secret_file " + file + " is readable by group or others (chmod 600)");
      }
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to check.
    }
    String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (secret.length() < 22) {
      throw new IOException(
          "inject.control_secret_file "
              + file
              + " holds fewer than 22 characters (need >= 128 random bits)");
    }
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
