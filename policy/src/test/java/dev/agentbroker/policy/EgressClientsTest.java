package dev.agentbroker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Egress client selection: by address, by proxy user, and empty groups. */
class EgressClientsTest {
  private static final String POLICY =
      "version: 1\n"
          + "identities: []\n"
          + "egress:\n"
          + "  groups:\n"
          + "    github: [github.com]\n"
          + "    nix: [cache.nixos.org]\n"
          + "    internal: []\n"
          + "  clients:\n"
          + "    - {cidr: 10.0.0.0/8, profile: autonomous, groups: [github]}\n"
          + "    - {cidr: 10.1.0.0/16, profile: ci, groups: [nix], proxy_user: runner-1}\n"
          + "    - {cidr: 10.0.0.0/8, profile: ci, groups: [internal], proxy_user: runner-1}\n"
          + "    - {cidr: 192.168.0.0/16, profile: ci, groups: [nix], proxy_user: build}\n";

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void credentialsSelectOnlyTheirOwnEntries() throws Exception {
    EgressPolicy p = PolicyCompiler.compile(POLICY, "t").egress();
    // No credentials: only address-only entries.
    assertEquals(List.of("github"), p.clientFor(ip("10.1.2.3")).orElseThrow().groups());
    assertTrue(p.clientFor(ip("192.168.1.1")).isEmpty());
    // runner-1: longest prefix among its own entries, never the anonymous one.
    assertEquals(
        List.of("nix"),
        p.clientFor(ip("10.1.2.3"), Optional.of("runner-1")).orElseThrow().groups());
    assertEquals(
        List.of("internal"),
        p.clientFor(ip("10.2.0.1"), Optional.of("runner-1")).orElseThrow().groups());
    // A user outside its networks, or an unknown user, gets nothing.
    assertTrue(p.clientFor(ip("172.16.0.1"), Optional.of("runner-1")).isEmpty());
    assertTrue(p.clientFor(ip("10.1.2.3"), Optional.of("build")).isEmpty());
    assertTrue(p.clientFor(ip("10.1.2.3"), Optional.of("nobody")).isEmpty());
    assertTrue(p.credentialsAccepted(ip("192.168.3.4")));
    assertTrue(p.credentialsAccepted(ip("10.9.9.9")));
    assertFalse(p.credentialsAccepted(ip("172.16.0.1")));
    assertEquals(Set.of("runner-1", "build"), p.proxyUsers());
  }

  @Test
  void anEmptyGroupMatchesNothing() throws Exception {
    EgressPolicy p = PolicyCompiler.compile(POLICY, "t").egress();
    assertEquals(List.of(), p.groups().get("internal"));
    assertFalse(p.allows(ip("10.0.0.1"), "cache.nixos.org"));
    assertTrue(p.allows(ip("10.0.0.1"), "github.com"));
  }

  @Test
  void badProxyUsersAreProblems() {
    PolicyException e =
        assertThrows(
            PolicyException.class,
            () ->
                PolicyCompiler.compile(
                    POLICY.replace("proxy_user: build", "proxy_user: Bad User"), "t"));
    assertEquals(1, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).message().contains("user name"), e.problems().toString());
    assertThrows(
        PolicyException.class,
        () -> PolicyCompiler.compile(POLICY.replace("proxy_user: build", "proxy_usr: build"), "t"));
  }
}
