package dev.agentbroker.egress.internal;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection ids in UUID form: a random per-process half and a counter. {@code UUID.randomUUID()}
 * reads the shared SecureRandom (a lock and a /dev/urandom read) for every tunnel, and the ids only
 * need to be unique to correlate log lines and audit events, not unguessable.
 */
final class ConnectionIds {
  private static final long PROCESS;
  private static final AtomicLong COUNTER;

  static {
    SecureRandom r = new SecureRandom();
    // Version 4 and IETF variant bits, so the text is an ordinary-looking UUID.
    PROCESS = (r.nextLong() & ~0xf000L) | 0x4000L;
    COUNTER = new AtomicLong(r.nextLong() & 0x3fffffffffffffffL);
  }

  private ConnectionIds() {}

  static String next() {
    long low = (COUNTER.incrementAndGet() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(PROCESS, low).toString();
  }
}
