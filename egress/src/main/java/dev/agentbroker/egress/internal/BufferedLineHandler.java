package dev.agentbroker.egress.internal;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Log lines to a stream through a 64 KiB buffer, written out every {@link #FLUSH_MILLIS} ms, when
 * the buffer fills, at once for WARNING and above, and on close. {@code ConsoleHandler} flushes
 * every record: two {@code write} syscalls per tunnel (its decision and close lines) that Squid's
 * buffered access log does not pay. A crash loses at most the last interval's lines; the audit
 * journal, not this log, is the durable record of decisions.
 */
public final class BufferedLineHandler extends Handler {
  static final long FLUSH_MILLIS = 200;

  private final OutputStream out;
  private final ScheduledExecutorService flusher;

  /** Standard error, the same stream {@code ConsoleHandler} writes to. */
  public static BufferedLineHandler stderr() {
    return new BufferedLineHandler(new FileOutputStream(FileDescriptor.err));
  }

  BufferedLineHandler(OutputStream target) {
    this.out = new BufferedOutputStream(target, 64 * 1024);
    setFormatter(new LineFormatter());
    this.flusher =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("egress-log-flush"));
    flusher.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void publish(LogRecord record) {
    if (!isLoggable(record)) {
      return;
    }
    String line;
    try {
      line = getFormatter().format(record);
    } catch (RuntimeException e) {
      reportError(null, e, ErrorManager.FORMAT_FAILURE);
      return;
    }
    try {
      // BufferedOutputStream is synchronized: lines from several event loops never interleave.
      out.write(line.getBytes(StandardCharsets.UTF_8));
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        out.flush();
      }
    } catch (IOException e) {
      reportError(null, e, ErrorManager.WRITE_FAILURE);
    }
  }

  @Override
  public void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      reportError(null, e, ErrorManager.FLUSH_FAILURE);
    }
  }

  @Override
  public void close() {
    flusher.shutdownNow();
    flush();
  }
}
