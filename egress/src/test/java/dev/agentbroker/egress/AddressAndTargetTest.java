package dev.agentbroker.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.internal.Addresses;
import dev.agentbroker.egress.internal.Target;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressAndTargetTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "127.0.0.1,loopback",
    "127.255.0.9,loopback",
    "10.1.2.3,private",
    "172.16.0.1,private",
    "172.31.255.255,private",
    "192.168.1.1,private",
    "100.64.0.1,private",
    "169.254.169.254,link_local",
    "0.0.0.0,unspecified",
    "224.0.0.1,multicast",
    "255.255.255.255,reserved",
    "::,unspecified",
    "::1,loopback",
    "fc00::1,private",
    "fd00:ec2::254,private",
    "fe80::1,link_local",
    "ff02::1,multicast",
    "::ffff:127.0.0.1,loopback",
    "::ffff:169.254.169.254,link_local",
    "::ffff:10.0.0.5,private",
    "::10.0.0.5,private",
    "64:ff9b::a9fe:a9fe,link_local",
    "2002:a00:1::,private",
    "8.8.8.8,public",
    "172.32.0.1,public",
    "2606:4700::1111,public",
  })
  void classification(String literal, String expected) throws Exception {
    Optional<String> cls = Addresses.special(InetAddress.getByName(literal));
    assertEquals(expected, cls.orElse("public"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "API.GitHub.com,api.github.com",
    "api.github.com.,api.github.com",
    "bücher.example,xn--bcher-kva.example",
    "BÜCHER.example,xn--bcher-kva.example",
    "a\u3002b.example,a.b.example",
  })
  void normalisation(String raw, String expected) {
    assertEquals(Optional.of(expected), Target.normaliseName(raw));
  }

  @Test
  void rejectsNonNames() {
    for (String bad :
        new String[] {
          "", ".", "a..b", "-a.b", "a_b.c", "a b", "a/b", "a%2eb", "x".repeat(64) + ".com"
        }) {
      assertTrue(Target.normaliseName(bad).isEmpty(), bad);
    }
  }

  @Test
  void authorityForms() {
    Target t = Target.authority("[::1]:443").orElseThrow();
    assertTrue(t.literal().isPresent());
    assertEquals(443, t.port());
    assertTrue(Target.authority("Origin.Test.:8443").orElseThrow().host().equals("origin.test"));
    assertTrue(Target.authority("127.1:443").orElseThrow().ipLike());
    assertEquals("/?a=b", Target.absoluteHttp("http://h.test?a=b").orElseThrow().path());
    assertEquals(80, Target.absoluteHttp("HTTP://h.test/x").orElseThrow().port());
  }
}
