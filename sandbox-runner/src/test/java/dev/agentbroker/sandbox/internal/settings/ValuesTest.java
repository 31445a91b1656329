package dev.agentbroker.sandbox.internal.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests of the command line's value syntaxes: each malformed input names its flag. */
class ValuesTest {
  @ParameterizedTest(name = "repo ''{0}'' -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "acme|has no owner",
        "/svc-a|is not a GitHub account name",
        "acme/|is not a GitHub repository name",
        "acme/svc-a/extra|more than one '/'",
        "-acme/svc-a|is not a GitHub account name",
        "acme-/svc-a|is not a GitHub account name",
        "acme/..|is not a GitHub repository name",
        "acme/.|is not a GitHub repository name",
        "acme/svc a|is not a GitHub repository name",
        "acme/svc-a;rm|is not a GitHub repository name",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/x|is not a GitHub account name",
        "' '|is required",
      })
  void malformedRepositories(String text, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RepoRef.parse(text));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().contains("--repo"), "names the flag: " + e.getMessage());
  }

  @Test
  void validRepositories() {
    assertEquals(new RepoRef("acme", "svc-a"), RepoRef.parse("acme/svc-a"));
    assertEquals(new RepoRef("Octo-Cat", "hello.world_2"), RepoRef.parse("Octo-Cat/hello.world_2"));
    assertTrue(RepoRef.parse("acme/svc-a").sameAs("ACME", "SVC-A"));
  }

  @Test
  void controlCharactersAreNotEchoed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RepoRef.parse("ac\u001b[2Jme"));
    assertTrue(!e.getMessage().contains("\u001b"), e.getMessage());
  }

  @ParameterizedTest(name = "permissions ''{0}'' -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "contents|is not NAME=LEVEL",
        "contents=|is not NAME=LEVEL",
        "=write|is not NAME=LEVEL",
        "contents=admin|invalid level 'admin'",
        "content=write|unknown GitHub permission 'content'",
        "contents=write,contents=read|names 'contents' twice",
        "contents=write,,issues=read|is not NAME=LEVEL",
        "workflows=read|invalid level 'read'",
      })
  void malformedPermissions(String text, String expected) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Values.permissions("--permissions", text));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void permissionsRoundTrip() {
    Map<String, String> p =
        Values.permissions("--permissions", "contents=write,pull_requests=read");
    assertEquals(Map.of("contents", "write", "pull_requests", "read"), p);
    assertEquals("contents=write,pull_requests=read", Values.render(p));
  }

  @ParameterizedTest(name = "duration ''{0}''")
  @CsvSource({"2", "2d", "-1h", "1.5h", "0s", "169h", "h", "''"})
  void malformedDurations(String text) {
    assertThrows(IllegalArgumentException.class, () -> Values.duration("--timeout", text));
  }

  @Test
  void durations() {
    assertEquals(Duration.ofHours(2), Values.duration("--timeout", "2h"));
    assertEquals(Duration.ofSeconds(90), Values.duration("--timeout", "90s"));
    assertEquals(Duration.ofMinutes(30), Values.duration("--timeout", "30m"));
    assertEquals(Duration.ofMillis(1500), Values.duration("--timeout", "1500ms"));
  }

  @ParameterizedTest(name = "size ''{0}''")
  @CsvSource({"4x", "1m", "-4g", "4gb", "''", "99999999999999g"})
  void malformedSizes(String text) {
    assertThrows(IllegalArgumentException.class, () -> Values.bytes("--memory", text));
  }

  @Test
  void sizesCpusPids() {
    assertEquals(4L << 30, Values.bytes("--memory", "4g"));
    assertEquals(512L << 20, Values.bytes("--memory", "512M"));
    assertEquals(0.5, Values.cpus("--cpus", "0.5"));
    assertThrows(IllegalArgumentException.class, () -> Values.cpus("--cpus", "0"));
    assertThrows(IllegalArgumentException.class, () -> Values.cpus("--cpus", "two"));
    assertEquals(512, Values.pids("--pids", "512"));
    assertThrows(IllegalArgumentException.class, () -> Values.pids("--pids", "8"));
    assertThrows(IllegalArgumentException.class, () -> Values.pids("--pids", "lots"));
  }

  @Test
  void subnetPool() {
    SubnetPool p = SubnetPool.parse("10.200.0.0/16");
    assertEquals(16384, p.slots());
    assertEquals("10.200.0.1", p.hostAddress(0));
    assertEquals("10.200.0.2", p.sandboxAddress(0));
    assertEquals("10.200.1.5", p.hostAddress(65));
    assertThrows(IllegalArgumentException.class, () -> SubnetPool.parse("10.200.0.1/16"));
    assertThrows(IllegalArgumentException.class, () -> SubnetPool.parse("10.200.0.0/30"));
    assertThrows(IllegalArgumentException.class, () -> SubnetPool.parse("10.300.0.0/16"));
    assertTrue(SubnetPool.isDottedQuad("172.30.0.1"));
    assertTrue(!SubnetPool.isDottedQuad("127.1"));
  }
}
