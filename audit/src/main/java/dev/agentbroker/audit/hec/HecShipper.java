package dev.agentbroker.audit.hec;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalKey;
import dev.agentbroker.audit.JournalReader;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.audit.hec.internal.HecClient;
import dev.agentbroker.audit.hec.internal.ShipLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Ships journal records to Splunk HEC on one background thread, at least once and in order.
 *
 * <pre>{@code
 * ShippingCursor cursor = ShippingCursor.open(dataDir.resolve("hec-cursor.json"));
 * HecShipper shipper = HecShipper.start(config, journal, cursor, clock, listener);
 * ...
 * HecStats s = shipper.stats();      // metrics and health
 * shipper.close();                   // an unconfirmed batch is resent on the next start
 * }</pre>
 *
 * <p>The cursor is committed only after HEC answered 200 (and, with acks on, after the batch's ack
 * id answered true). Transient failures (I/O, 408, 429, 5xx, ack timeout) are retried with
 * exponential backoff and full jitter; permanent ones (other 4xx, a broken journal chain) hold
 * shipping, raise {@link HecStats#permanentFailure()} and are retried every {@link
 * HecConfig#permanentFailureRetry()}. Nothing is ever skipped or dropped.
 */
public final class HecShipper implements AutoCloseable {
  private final ShipLoop loop;
  private final HecClient client;
  private final Thread thread;

  private HecShipper(ShipLoop loop, HecClient client) {
    this.loop = loop;
    this.client = client;
    this.thread = new Thread(loop, "hec-shipper");
    thread.setDaemon(true);
  }

  /**
   * Ships a journal open in this process; reads only fsync'd records.
   *
   * @throws IOException if the trust store cannot be loaded
   */
  public static HecShipper start(
      HecConfig config,
      FileJournal journal,
      ShippingCursor cursor,
      Clock clock,
      HecListener listener)
      throws IOException {
    Objects.requireNonNull(journal, "journal");
    return start(
        config, cursor, clock, listener, journal::reader, () -> journal.stats().lastSequence());
  }

  /**
   * Ships a journal directory that no process is writing (e.g. a sidecar after the broker stopped,
   * or a recovered directory); it reads every complete record.
   */
  public static HecShipper start(
      HecConfig config, Path journalDir, ShippingCursor cursor, Clock clock, HecListener listener)
      throws IOException {
    return start(config, journalDir, null, cursor, clock, listener);
  }

  /** As above for a keyed journal: records are authenticated with {@code key} before shipping. */
  public static HecShipper start(
      HecConfig config,
      Path journalDir,
      JournalKey key,
      ShippingCursor cursor,
      Clock clock,
      HecListener listener)
      throws IOException {
    Objects.requireNonNull(journalDir, "journalDir");
    return start(
        config,
        cursor,
        clock,
        listener,
        from -> JournalReader.open(journalDir, from, key),
        () -> 0);
  }

  private static HecShipper start(
      HecConfig config,
      ShippingCursor cursor,
      Clock clock,
      HecListener listener,
      LongFunction<JournalReader> opener,
      LongSupplier head)
      throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(cursor, "cursor");
    Objects.requireNonNull(clock, "clock");
    HecClient client = new HecClient(config);
    ShipLoop loop =
        new ShipLoop(
            config,
            client,
            cursor,
            clock,
            listener == null ? HecListener.NONE : listener,
            opener,
            head);
    HecShipper shipper = new HecShipper(loop, client);
    shipper.thread.start();
    return shipper;
  }

  /** Current counters; cheap, safe from any thread. */
  public HecStats stats() {
    return loop.stats();
  }

  /** {@code GET /services/collector/health}, synchronously, bounded by the request timeout. */
  public HecHealth checkHealth() {
    return client.health();
  }

  /**
   * Stops shipping and waits up to 5 s for the thread to end. An in-flight batch is abandoned
   * unconfirmed; it is resent (duplicates, never loss) by the next shipper on the same cursor.
   */
  public void stop() {
    loop.stop();
    try {
      thread.join(5_000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(1_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
