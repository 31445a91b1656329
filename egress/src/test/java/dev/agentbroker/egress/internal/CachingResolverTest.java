package dev.agentbroker.egress.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingResolverTest {
  @Test
  void reusesPositiveAnswersUntilTheTtl() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    InetAddress a = InetAddress.getByName("192.0.2.1");
    CachingResolver r =
        new CachingResolver(
            h -> {
              calls.incrementAndGet();
              return List.of(a);
            },
            Duration.ofMillis(200));
    assertNull(r.cached("x.test"), "nothing before the first lookup");
    assertEquals(List.of(a), r.resolve("x.test"));
    assertEquals(List.of(a), r.cached("x.test"));
    assertNull(r.cached("y.test"));
    Thread.sleep(300);
    assertNull(r.cached("x.test"), "expired");
    assertEquals(1, calls.get());
  }

  @Test
  void failuresAreNotCached() {
    CachingResolver r =
        new CachingResolver(
            h -> {
              throw new UnknownHostException(h);
            },
            Duration.ofSeconds(5));
    assertThrows(UnknownHostException.class, () -> r.resolve("x.test"));
    assertNull(r.cached("x.test"));
  }

  @Test
  void boundedByDroppingEverything() throws Exception {
    InetAddress a = InetAddress.getByName("192.0.2.1");
    CachingResolver r = new CachingResolver(h -> List.of(a), Duration.ofSeconds(60));
    for (int i = 0; i < CachingResolver.MAX_ENTRIES + 10; i++) {
      r.resolve("n" + i + ".test");
    }
    assertEquals(10, r.size(), "cleared when full, then refilled");
  }
}
