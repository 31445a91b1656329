package dev.agentbroker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.policy.internal.Globs;
import dev.agentbroker.policy.internal.NetParsing;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vocabulary, value types and parsing helpers. */
class ModelTest {

  @Test
  void permissionVocabulary() {
    assertTrue(GitHubPermissions.isValid("contents", "write"));
    assertFalse(GitHubPermissions.isValid("contents", "admin"));
    assertTrue(GitHubPermissions.isValid("organization_projects", "admin"));
    assertTrue(GitHubPermissions.isValid("workflows", "write"));
    assertFalse(GitHubPermissions.isValid("workflows", "read"));
    assertTrue(GitHubPermissions.isValid("organization_plan", "read"));
    assertFalse(GitHubPermissions.isValid("organization_plan", "write"));
    assertFalse(GitHubPermissions.isKnown("pull_request"));
    assertFalse(GitHubPermissions.isKnown("Contents"));
    assertEquals(List.of(), GitHubPermissions.levels("nope"));
    assertEquals(1, GitHubPermissions.rank("read"));
    assertEquals(2, GitHubPermissions.rank("write"));
    assertEquals(3, GitHubPermissions.rank("admin"));
    assertEquals(0, GitHubPermissions.rank("none"));
    assertEquals(55, GitHubPermissions.names().size());
  }

  @Test
  void globs() {
    assertTrue(Globs.matches("svc-*", "SVC-API"));
    assertTrue(Globs.matches("*", "a"));
    assertTrue(Globs.matches("a*b*c", "aXXbYYc"));
    assertFalse(Globs.matches("a*b*c", "aXXbYY"));
    assertFalse(Globs.matches("*", "a/b"));
    assertFalse(Globs.matches("*", ".."));
    assertFalse(Globs.matches("*", ""));
    assertFalse(Globs.matches("docs", "docs2"));
    // Non-ASCII case folding must not sneak in ('ſ' upper-cases to 'S').
    assertFalse(Globs.matches("s*", "ſvc"));
  }

  @Test
  void cidrs() throws Exception {
    Cidr v4 = NetParsing.parseCidr("10.20.0.0/24");
    assertTrue(v4.contains(InetAddress.getByName("10.20.0.255")));
    assertFalse(v4.contains(InetAddress.getByName("10.20.1.0")));
    Cidr v6 = NetParsing.parseCidr("fd00:1234::/32");
    assertTrue(v6.contains(InetAddress.getByName("fd00:1234:ffff::1")));
    assertFalse(v6.contains(InetAddress.getByName("10.20.0.1")));
    assertEquals("10.20.0.0/24", v4.toString());
    for (String bad :
        List.of(
            "10.20.0.0",
            "10.20.0.0/33",
            "10.20.0/24",
            "010.1.1.1/8",
            "10.0.0.1/8",
            "example.com/8",
            "::ffff:10.0.0.0/104",
            "fd00::/129",
            "10.0.0.0/08")) {
      assertThrows(IllegalArgumentException.class, () -> NetParsing.parseCidr(bad), bad);
    }
  }

  @Test
  void hostPatterns() {
    assertEquals(Optional.empty(), NetParsing.hostPatternProblem("api.github.com"));
    assertEquals(Optional.empty(), NetParsing.hostPatternProblem("*.githubusercontent.com"));
    for (String bad :
        List.of("API.github.com", "*.com", "*", "a..b", "-a.com", "1.2.3.4", "a*.b.com")) {
      assertTrue(NetParsing.hostPatternProblem(bad).isPresent(), bad);
    }
    HostPattern wild = new HostPattern("*.example.com");
    assertTrue(wild.matches("a.b.Example.com."));
    assertFalse(wild.matches("example.com"));
    assertFalse(wild.matches("evilexample.com"));
  }

  @Test
  void recordsNormaliseAndCopy() {
    List<String> repos = new ArrayList<>(List.of("a"));
    TokenRequest r = new TokenRequest("o", repos, null, null);
    repos.add("b");
    assertEquals(List.of("a"), r.repositories());
    assertEquals(List.of(), r.repositoryIds());
    assertEquals(Map.of(), r.permissions());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Scope("o", List.of(), List.of(), Map.of("contents", "read")));
    assertThrows(IllegalArgumentException.class, () -> new Scope("o", List.of("a"), null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Decision(Outcome.ALLOW, "allowed", "x", "x", null, Optional.empty(), null));
    assertEquals(Optional.of(Profile.CI), Profile.fromWire("ci"));
    assertEquals(Optional.empty(), Profile.fromWire("CI"));
    assertEquals("f:3:4 a.b: m", new PolicyProblem("f", 3, 4, "a.b", "m").toString());
    assertEquals("f:0:0: m", new PolicyProblem("f", 0, 0, "", "m").toString());
  }

  @Test
  void unreadableAndNonUtf8FilesAreProblems(@TempDir Path dir) throws Exception {
    PolicyException missing =
        assertThrows(PolicyException.class, () -> PolicyCompiler.load(dir.resolve("nope.yaml")));
    assertEquals(0, missing.problems().get(0).line());
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, "version: 1 # caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyCompiler.load(latin1));
    assertTrue(e.getMessage().contains("not valid UTF-8"));
    byte[] huge = new byte[PolicyCompiler.MAX_BYTES + 1];
    Arrays.fill(huge, (byte) '#');
    Path big = dir.resolve("big.yaml");
    Files.write(big, huge);
    assertTrue(
        assertThrows(PolicyException.class, () -> PolicyCompiler.load(big))
            .getMessage()
            .contains("larger than"));
  }

  @Test
  void billionLaughsIsRejectedQuickly() {
    StringBuilder y = new StringBuilder("version: 1\nidentities: []\nx0: &a0 [lol]\n");
    for (int i = 1; i < 30; i++) {
      y.append("x").append(i).append(": &a").append(i).append(" [*a").append(i - 1);
      y.append(", *a").append(i - 1).append("]\n");
    }
    PolicyException e =
        assertThrows(PolicyException.class, () -> PolicyCompiler.compile(y.toString(), "laughs"));
    assertTrue(e.getMessage().contains("YAML aliases are not allowed"), e.getMessage());
  }

  @Test
  void sourceHashIsOfTheExactText() throws Exception {
    CompiledPolicy a = PolicyCompiler.compile("version: 1\nidentities: []\n", "a");
    CompiledPolicy b = PolicyCompiler.compile("version: 1\nidentities: []\n# x\n", "a");
    assertTrue(a.sourceSha256().matches("[0-9a-f]{64}"), a.sourceSha256());
    assertFalse(a.sourceSha256().equals(b.sourceSha256()));
  }
}
