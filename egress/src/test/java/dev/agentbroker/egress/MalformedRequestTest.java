package dev.agentbroker.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.support.Harness;
import dev.agentbroker.egress.support.Raw;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Table test: malformed or unsupported request heads get a fixed status and reason, then close. */
class MalformedRequestTest {
  @TempDir static Path dir;
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    h = new Harness(dir, List.of(443), Harness.limits());
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "CONNECT origin.test HTTP/1.1|400|bad_authority",
        "CONNECT origin.test: HTTP/1.1|400|bad_authority",
        "CONNECT origin.test:0 HTTP/1.1|400|bad_authority",
        "CONNECT origin.test:65536 HTTP/1.1|400|bad_authority",
        "CONNECT origin.test:+443 HTTP/1.1|400|bad_authority",
        "CONNECT origin.test:443:443 HTTP/1.1|400|bad_authority",
        "CONNECT :443 HTTP/1.1|400|bad_authority",
        "CONNECT user@origin.test:443 HTTP/1.1|400|bad_authority",
        "CONNECT origin%2etest:443 HTTP/1.1|400|bad_authority",
        "CONNECT origin..test:443 HTTP/1.1|400|bad_authority",
        "CONNECT ::1:443 HTTP/1.1|400|bad_authority",
        "CONNECT [::1:443 HTTP/1.1|400|bad_authority",
        "CONNECT [fe80::1%25lo]:443 HTTP/1.1|400|bad_authority",
        "CONNECT http://origin.test:443 HTTP/1.1|400|bad_authority",
        "CONNECT origin.test:443 HTTP/2.0|400|bad_request",
        "CONNECT origin.test:443|400|bad_request",
        "CONNECT  origin.test:443 HTTP/1.1|400|bad_request",
        "connect origin.test:443 HTTP/1.1|400|bad_request",
        "CONNECT origin.test:443 HTTP/1.1 extra|400|bad_request",
        "CONNECT 127.1:443 HTTP/1.1|403|ip_literal",
        "CONNECT 2130706433:443 HTTP/1.1|403|ip_literal",
        "CONNECT 0x7f000001:443 HTTP/1.1|403|ip_literal",
        "CONNECT [::ffff:169.254.169.254]:443 HTTP/1.1|403|ip_literal",
        "CONNECT 169.254.169.254:443 HTTP/1.1|403|ip_literal",
        "CONNECT origin.test.evil:443 HTTP/1.1|403|host_not_allowed",
        "CONNECT wild.test:443 HTTP/1.1|403|host_not_allowed",
        "CONNECT other.test:443 HTTP/1.1|403|host_not_allowed",
        "TRACE http://origin.test/ HTTP/1.1|405|method_not_allowed",
        "BREW origin.test:443 HTTP/1.1|405|method_not_allowed",
        "GET / HTTP/1.1|400|origin_form",
        "GET https://origin.test/ HTTP/1.1|400|bad_target",
        "GET http://u:p@origin.test/ HTTP/1.1|400|bad_target",
        "GET http://origin.test/ HTTP/1.1|403|port_not_allowed",
      })
  void table(String line, int status, String reason) throws Exception {
    String response = Raw.exchange(h.proxyPort(), line + "\r\nHost: x\r\n\r\n");
    assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
    assertTrue(response.contains("X-Egress-Reason: " + reason + "\r\n"), response);
    assertEquals(reason, h.next("egress.connect").reason());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "CONNECT origin.test:443 HTTP/1.1\nHost: x\n\n",
        "CONNECT origin.test:443 HTTP/1.1\r\nHost : x\r\n\r\n",
        "CONNECT origin.test:443 HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
        "CONNECT origin.test:443 HTTP/1.1\r\nHost: a\u0001b\r\n\r\n",
        "CONNECT origin.test:443 HTTP/1.1\r\n: empty\r\n\r\n",
        "CONNECT origin.test:443 HTTP/1.1\r\nHost: x\rInjected: y\r\n\r\n",
      })
  void malformedHeaders(String request) throws Exception {
    String response = Raw.exchange(h.proxyPort(), request);
    assertTrue(response.startsWith("HTTP/1.1 400 "), response);
    assertEquals("bad_request", h.next("egress.connect").reason());
  }
}
