package dev.agentbroker.testkit.hec;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A strict Splunk HTTP Event Collector on 127.0.0.1 (ephemeral port) for tests and benchmarks.
 *
 * <pre>{@code
 * try (HecReceiver hec = HecReceiver.start(HecReceiverSettings.of(token).withAcks(true))) {
 *   shipper = HecShipper.start(config(hec.baseUri(), token), ...);
 *   hec.faults().busyNext(3);
 *   ...
 *   assertTrue(hec.receivedEventIds().keySet().containsAll(written));
 * }
 * }</pre>
 *
 * <p>Endpoints: {@code POST /services/collector/event} (alias {@code /services/collector}), {@code
 * POST /services/collector/ack}, {@code GET /services/collector/health}. Answers follow Splunk's
 * documented status codes and {@code {"text","code"}} bodies; see the testkit README.
 */
public final class HecReceiver implements AutoCloseable {
  static final int WORKER_THREADS = 16;

  static {
    // The JDK server leaves Nagle's algorithm on; with delayed ACKs every response then stalls
    // ~40 ms. The property is read when the first HttpServer in the JVM is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService workers;
  private final HecFaults faults;
  private final EventStore store;
  private final AckLedger acks;
  private final URI baseUri;

  private HecReceiver(
      HttpServer server,
      ExecutorService workers,
      HecFaults faults,
      EventStore store,
      AckLedger acks,
      URI baseUri) {
    this.server = server;
    this.workers = workers;
    this.faults = faults;
    this.store = store;
    this.acks = acks;
    this.baseUri = baseUri;
  }

  public static HecReceiver start(HecReceiverSettings settings) throws IOException {
    Objects.requireNonNull(settings, "settings");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1024);
    return serve(settings, server, "http");
  }

  /**
   * The same receiver behind TLS, as a real Splunk HEC on {@code https://…:8088} is: {@code
   * sslContext} holds the server's key and certificate chain (whose name must match {@code
   * 127.0.0.1}), so a client's trust-store configuration is exercised for real.
   */
  public static HecReceiver startTls(HecReceiverSettings settings, SSLContext sslContext)
      throws IOException {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(sslContext, "sslContext");
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1024);
    server.setHttpsConfigurator(new HttpsConfigurator(sslContext));
    return serve(settings, server, "https");
  }

  private static HecReceiver serve(HecReceiverSettings settings, HttpServer server, String scheme) {
    URI base = URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    HecFaults faults = new HecFaults();
    EventStore store = new EventStore();
    AckLedger acks = new AckLedger();
    server.createContext("/", new HecHandler(settings, faults, store, acks));
    AtomicInteger n = new AtomicInteger();
    ExecutorService workers =
        Executors.newFixedThreadPool(
            WORKER_THREADS,
            r -> {
              Thread t = new Thread(r, "hec-receiver-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(workers);
    server.start();
    return new HecReceiver(server, workers, faults, store, acks, base);
  }

  /**
   * E.g. {@code http://127.0.0.1:41234} ({@code https} from {@link #startTls}), no trailing slash.
   */
  public URI baseUri() {
    return baseUri;
  }

  public HecFaults faults() {
    return faults;
  }

  /** Every accepted event in arrival order, duplicates included. */
  public List<ReceivedEvent> received() {
    return store.events();
  }

  public int receivedCount() {
    return store.eventCount();
  }

  /** {@code event_id} → how many times it arrived (a multiset: duplicates after retries count). */
  public Map<String, Integer> receivedEventIds() {
    Map<String, Integer> ids = new HashMap<>();
    for (ReceivedEvent e : store.events()) {
      String id = e.eventId();
      if (id != null) {
        ids.merge(id, 1, Integer::sum);
      }
    }
    return ids;
  }

  /** The most recent 50,000 requests, in arrival order. */
  public List<HecRequest> requests() {
    return store.requests();
  }

  /** Forgets events, requests, acks and faults. */
  public void clear() {
    store.clear();
    acks.clear();
    faults.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
