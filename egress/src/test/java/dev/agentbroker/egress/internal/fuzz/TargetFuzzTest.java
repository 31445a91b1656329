package dev.agentbroker.egress.internal.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.agentbroker.egress.internal.Addresses;
import dev.agentbroker.egress.internal.Target;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Fuzz target for the authority parsers ({@code CONNECT host:port}, {@code http://authority/path})
 * and host-name normalisation. Contract: nothing throws; an accepted target has a lower-case ASCII
 * name (or an IP literal in canonical text) of at most 253 characters, a port in 1..65535, and
 * printing it with {@link Target#authority()} parses back to the same target (the allowlist and the
 * logs see what the connection uses). Seeds: {@code TargetFuzzTestInputs/parse/}.
 */
class TargetFuzzTest {

  @FuzzTest
  @DictionaryEntries({"http://", "[", "]", ":443", ":80", "::ffff:", "xn--", "0x", "127.", "."})
  void parse(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    Optional<Target> connect = Target.authority(text);
    connect.ifPresent(
        t -> {
          check(t);
          assertEquals("", t.path(), "authority-form has no path");
          if (!printsAsLiteral(t)) {
            assertEquals(Optional.of(t), Target.authority(t.authority()), "round trip");
          }
        });
    Optional<Target> http = Target.absoluteHttp(text);
    http.ifPresent(
        t -> {
          check(t);
          assertTrue(t.path().startsWith("/"), t.path());
          assertFalse(t.path().contains("#"), "fragments are refused");
          if (!printsAsLiteral(t)) {
            assertEquals(
                Optional.of(t), Target.absoluteHttp("http://" + t.authority() + t.path()), "trip");
          }
        });
    Target.normaliseName(text)
        .ifPresent(n -> assertEquals(Optional.of(n), Target.normaliseName(n), "idempotent"));
  }

  private static void check(Target t) {
    assertTrue(t.port() >= 1 && t.port() <= 65535, () -> "port " + t);
    if (t.literal().isPresent()) {
      assertEquals(Addresses.text(t.literal().get()), t.host());
      assertFalse(t.ipLike());
    } else {
      String h = t.host();
      assertFalse(h.isEmpty() || h.length() > 253 || h.endsWith("."), h);
      assertEquals(h.toLowerCase(Locale.ROOT), h);
      assertTrue(h.chars().allMatch(c -> c > 0x20 && c < 0x7f), () -> "ASCII host " + h);
      // A dotted quad with a trailing dot ("127.0.0.1.") is normalised to the quad's text but
      // kept as a name; it must then be ip-like, which the allowlist always denies (fail closed).
      if (printsAsLiteral(t)) {
        assertTrue(t.ipLike(), () -> "a name that prints as a literal is ip-like: " + h);
      }
    }
  }

  private static boolean printsAsLiteral(Target t) {
    return t.literal().isEmpty() && Addresses.parseLiteral(t.host()).isPresent();
  }
}
