package dev.agentbroker.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.internal.Addresses;
import dev.agentbroker.egress.internal.Target;
import java.net.Inet4Address;
import java.net.Inet6Address;
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
    "100.100.100.200,metadata",
    "0.0.0.0,unspecified",
    "224.0.0.1,multicast",
    "255.255.255.255,reserved",
    "192.0.2.1,reserved",
    "198.51.100.7,reserved",
    "203.0.113.9,reserved",
    "::,unspecified",
    "::1,loopback",
    "fc00::1,private",
    "fd12:3456::1,private",
    "fd00:ec2::254,metadata",
    "fd00:ec2::123,metadata",
    "fe80::1,link_local",
    "fec0::1,site_local",
    "ff02::1,multicast",
    "::ffff:127.0.0.1,loopback",
    "::ffff:169.254.169.254,link_local",
    "::ffff:10.0.0.5,private",
    "::ffff:8.8.8.8,public",
    "::10.0.0.5,private",
    "::8.8.8.8,reserved",
    "::1:0:0:1,reserved",
    "::ffff:0:7f00:1,loopback",
    "::ffff:0:a9fe:a9fe,link_local",
    "::ffff:0:a00:5,private",
    "::ffff:0:808:808,public",
    "64:ff9b::a9fe:a9fe,link_local",
    "64:ff9b::7f00:1,loopback",
    "64:ff9b::808:808,public",
    "64:ff9b:1::808:808,local_nat64",
    "64:ff9b:1:a9fe:a9fe::,local_nat64",
    "64:ff9b:0:0:1::808:808,reserved",
    "2001:0:4136:e378:8000:63bf:80ff:fffe,loopback",
    "2001:0:4136:e378:8000:63bf:5601:56fe,link_local",
    "2001:0:4136:e378:8000:63bf:f5ff:fffa,reserved",
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7,reserved",
    "2002:a00:1::,private",
    "2002:7f00:1::,loopback",
    "2002:a9fe:a9fe::,link_local",
    "2002:808:808::1,public",
    "2001:db8::1,reserved",
    "3fff::1,reserved",
    "2001:2::1,reserved",
    "2001:20::1,reserved",
    "100::1,reserved",
    "4000::1,reserved",
    "8.8.8.8,public",
    "172.32.0.1,public",
    "2606:4700::1111,public",
    "2001:4860:4860::8888,public",
  })
  void classification(String literal, String expected) throws Exception {
    Optional<String> cls = Addresses.special(address(literal));
    assertEquals(expected, cls.orElse("public"));
  }

  /**
   * The JDK turns {@code ::ffff:a.b.c.d} into an IPv4 address; build the IPv6 form as well, so the
   * mapped branch is tested as it arrives from a resolver that keeps it.
   */
  private static InetAddress address(String literal) throws Exception {
    InetAddress a = InetAddress.getByName(literal);
    if (literal.contains(":") && a instanceof Inet4Address) {
      byte[] b = new byte[16];
      b[10] = (byte) 0xff;
      b[11] = (byte) 0xff;
      System.arraycopy(a.getAddress(), 0, b, 12, 4);
      InetAddress v6 = Inet6Address.getByAddress(null, b, -1);
      assertEquals(Addresses.special(a), Addresses.special(v6), literal);
      return v6;
    }
    return a;
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
