package dev.agentbroker.egress.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code 2026-11-25T18:53:39.524Z INFO logger message}, one line per record (a stack trace, if any,
 * follows on the next lines). The same layout the proxy used to get from {@code SimpleFormatter}
 * with a format string, built with a StringBuilder: {@code String.format} was the single most
 * expensive step of a tunnel's setup on the event loop (two decision lines per tunnel). Times are
 * UTC, as the {@code Z} says.
 */
public final class LineFormatter extends Formatter {
  @Override
  public String format(LogRecord record) {
    StringBuilder b = new StringBuilder(256);
    timestamp(b, record.getInstant());
    b.append(' ').append(record.getLevel().getName()).append(' ').append(record.getLoggerName());
    b.append(' ');
    Object[] params = record.getParameters();
    b.append(params == null || params.length == 0 ? record.getMessage() : formatMessage(record));
    if (record.getThrown() != null) {
      StringWriter sw = new StringWriter();
      PrintWriter pw = new PrintWriter(sw);
      pw.println();
      record.getThrown().printStackTrace(pw);
      pw.close();
      b.append(sw);
    }
    return b.append(System.lineSeparator()).toString();
  }

  static void timestamp(StringBuilder b, Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    b.append(t.getYear()).append('-');
    two(b, t.getMonthValue());
    b.append('-');
    two(b, t.getDayOfMonth());
    b.append('T');
    two(b, t.getHour());
    b.append(':');
    two(b, t.getMinute());
    b.append(':');
    two(b, t.getSecond());
    b.append('.');
    int ms = instant.getNano() / 1_000_000;
    b.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10));
    b.append((char) ('0' + ms % 10)).append('Z');
  }

  private static void two(StringBuilder b, int v) {
    b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }
}
