package dev.agentbroker.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MutableClockTest {

  @Test
  void advancesAndSets() {
    MutableClock c = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    assertEquals(ZoneOffset.UTC, c.getZone());
    c.advance(Duration.ofMinutes(90));
    assertEquals(Instant.parse("2025-01-01T01:30:00Z"), c.instant());
    assertEquals(c.instant().toEpochMilli(), c.millis());
    c.set(Instant.parse("2030-05-05T05:05:05Z"));
    assertEquals(Instant.parse("2030-05-05T05:05:05Z"), c.instant());
  }

  @Test
  void zonedViewFollowsTheParent() {
    MutableClock c = new MutableClock(Instant.EPOCH);
    assertSame(c, c.withZone(ZoneOffset.UTC));
    Clock paris = c.withZone(ZoneId.of("Europe/Paris"));
    c.advance(Duration.ofSeconds(10));
    assertEquals(Instant.ofEpochSecond(10), paris.instant());
    assertEquals(ZoneId.of("Europe/Paris"), paris.getZone());
  }

  @Test
  void concurrentAdvancesAreNotLost() throws InterruptedException {
    MutableClock c = new MutableClock(Instant.EPOCH);
    Thread[] ts = new Thread[4];
    for (int i = 0; i < ts.length; i++) {
      ts[i] =
          new Thread(
              () -> {
                for (int j = 0; j < 1000; j++) {
                  c.advance(Duration.ofMillis(1));
                }
              });
      ts[i].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    assertEquals(Instant.ofEpochMilli(4000), c.instant());
  }
}
