package dev.agentbroker.egress.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.agentbroker.egress.EgressConfig;
import dev.agentbroker.policy.PolicyCompiler;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which DNS answers a named host may connect to, through the real allowlist: the policy group
 * admits {@code svc.corp.example} and {@code api.example}; the settings column gives the group's
 * {@code internal_hosts} / {@code allow_ips}. {@code internal_hosts} exempts private ranges only;
 * loopback, link-local, metadata and the other special classes need the exact address in {@code
 * allow_ips} as well, and {@code allow_ips} alone never exempts an answer for a non-internal name.
 */
class AnswerRuleTest {
  private static final String POLICY =
      "version: 1\nidentities: []\negress:\n  groups: {g: [svc.corp.example, api.example]}\n"
          + "  clients:\n    - {cidr: 10.9.0.0/16, profile: ci, groups: [g]}\n";

  @ParameterizedTest(name = "{0}: {1} answers {2} -> {4}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          public name, public answer              | api.example      | 140.82.112.6           | -                              | allowed
          public name, RFC 1918 answer            | api.example      | 10.0.0.5               | -                              | forbidden_address:private
          public name, loopback in allow_ips      | api.example      | 127.0.0.1              | allow_ips: [127.0.0.1/32]      | forbidden_address:loopback
          internal, public answer                 | svc.corp.example | 140.82.112.6           | internal                       | allowed
          internal, RFC 1918                      | svc.corp.example | 10.0.0.5               | internal                       | allowed
          internal, carrier-grade NAT             | svc.corp.example | 100.64.1.2             | internal                       | allowed
          internal, ULA                           | svc.corp.example | fd12:3456::1           | internal                       | allowed
          internal, NAT64 of RFC 1918             | svc.corp.example | 64:ff9b::a00:5         | internal                       | allowed
          internal, loopback                      | svc.corp.example | 127.0.0.1              | internal                       | forbidden_address:loopback
          internal, IPv6 loopback                 | svc.corp.example | ::1                    | internal                       | forbidden_address:loopback
          internal, unspecified (this host)       | svc.corp.example | 0.0.0.0                | internal                       | forbidden_address:unspecified
          internal, IPv4 metadata                 | svc.corp.example | 169.254.169.254        | internal                       | forbidden_address:link_local
          internal, link-local                    | svc.corp.example | 169.254.10.1           | internal                       | forbidden_address:link_local
          internal, IPv6 link-local               | svc.corp.example | fe80::1                | internal                       | forbidden_address:link_local
          internal, EC2 IPv6 metadata             | svc.corp.example | fd00:ec2::254          | internal                       | forbidden_address:metadata
          internal, Alibaba metadata in CGNAT     | svc.corp.example | 100.100.100.200        | internal                       | forbidden_address:metadata
          internal, translated metadata           | svc.corp.example | ::ffff:0:a9fe:a9fe     | internal                       | forbidden_address:link_local
          internal, NAT64 metadata                | svc.corp.example | 64:ff9b::a9fe:a9fe     | internal                       | forbidden_address:link_local
          internal, 6to4 loopback                 | svc.corp.example | 2002:7f00:1::          | internal                       | forbidden_address:loopback
          internal, local-use NAT64               | svc.corp.example | 64:ff9b:1::a00:5       | internal                       | forbidden_address:local_nat64
          internal, Teredo to RFC 1918            | svc.corp.example | 2001:0:4136:e378:8000:63bf:f5ff:fffa | internal | forbidden_address:reserved
          internal, multicast                     | svc.corp.example | 239.1.1.1              | internal                       | forbidden_address:multicast
          internal, loopback in allow_ips         | svc.corp.example | 127.0.0.1              | internal, 127.0.0.1/32         | allowed
          internal, other loopback than listed    | svc.corp.example | 127.0.0.2              | internal, 127.0.0.1/32         | forbidden_address:loopback
          internal, metadata in allow_ips         | svc.corp.example | 169.254.169.254        | internal, 169.254.169.254/32   | allowed
          internal, IPv6 metadata in allow_ips    | svc.corp.example | fd00:ec2::254          | internal, fd00:ec2::254/128    | allowed
          internal, v4 listed, NAT64 form asked   | svc.corp.example | 64:ff9b::a9fe:a9fe     | internal, 169.254.169.254/32   | forbidden_address:link_local
          """)
  void answers(String name, String host, String answer, String setting, String expected)
      throws Exception {
    Allowlist allowlist = allowlist(setting);
    Allowlist.Verdict v =
        allowlist.decide(
            InetAddress.getByName("10.9.0.7"),
            Optional.empty(),
            Target.authority(host + ":443").orElseThrow());
    Allowlist.Allow allow = assertInstanceOf(Allowlist.Allow.class, v, name);
    Optional<String> refusal = allow.answers().refusal(InetAddress.getByName(answer));
    assertEquals(expected, refusal.map(c -> "forbidden_address:" + c).orElse("allowed"), name);
  }

  /** {@code -}, {@code internal}, {@code internal, CIDR} or {@code allow_ips: [CIDR]}. */
  private static Allowlist allowlist(String setting) throws Exception {
    String group;
    if (setting.equals("-")) {
      group = "{}";
    } else if (setting.startsWith("allow_ips")) {
      group = "{" + setting + "}";
    } else if (setting.equals("internal")) {
      group = "{internal_hosts: [svc.corp.example]}";
    } else {
      String cidr = setting.substring(setting.indexOf(',') + 1).trim();
      group = "{internal_hosts: [svc.corp.example], allow_ips: [\"" + cidr + "\"]}";
    }
    EgressConfig config = SettingsParser.parse("groups: {g: " + group + "}\n", "t", Path.of("."));
    return new Allowlist(PolicyCompiler.compile(POLICY, "t").egress(), config);
  }
}
