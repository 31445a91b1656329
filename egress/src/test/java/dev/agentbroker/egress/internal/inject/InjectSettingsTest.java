package dev.agentbroker.egress.internal.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.EgressMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InjectSettingsTest {
  private static final String MINIMAL =
      "inject:\n"
          + "  mode: github\n"
          + "  users: [sandbox-1]\n"
          + "  control_listen: \"127.0.0.1:3130\"\n"
          + "  control_secret_file: secret\n"
          + "  broker_url: https://broker.example\n"
          + "  broker_jwt_file: jwt\n";

  private static Optional<InjectSettings> parse(String yaml) {
    return InjectSettings.parse(yaml, "t.yaml", Path.of("/etc/egress"));
  }

  @Test
  void offByDefault() {
    assertTrue(parse("listen: [\"127.0.0.1:3128\"]\n").isEmpty());
    assertTrue(parse("inject: {mode: off}\n").isEmpty());
  }

  @Test
  void defaults() {
    InjectSettings s = parse(MINIMAL).orElseThrow();
    assertEquals(InjectSettings.DEFAULT_HOSTS, s.hosts());
    assertEquals(Duration.ofHours(24), s.leafValidity());
    assertEquals(1024, s.maxRuns());
    assertEquals(Path.of("/etc/egress/secret"), s.controlSecretFile());
    assertTrue(s.upstreamCaFile().isEmpty());
    assertTrue(s.intercepts("github.com"));
    assertTrue(s.intercepts("objects.githubusercontent.com"));
    assertFalse(s.intercepts("githubusercontent.com"));
    assertFalse(s.intercepts("api.anthropic.com"));
    assertFalse(s.intercepts("evilgithub.com"));
  }

  @Test
  void checkConfigRefusesAnInjectedUserThePolicyDoesNotName(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        "version: 1\nidentities: []\negress:\n  groups: {github: [github.com]}\n  clients:\n"
            + "    - {cidr: 10.0.0.0/8, profile: autonomous, groups: [github], proxy_user: sandbox-1}\n");
    String settings =
        "policy_file: policy.yaml\ngroups: {github: {ports: [443]}}\n"
            + "proxy_users: {sandbox-1: {password_sha256: \""
            + "0".repeat(64)
            + "\"}}\n"
            + MINIMAL;
    Files.writeString(dir.resolve("ok.yaml"), settings);
    Files.writeString(
        dir.resolve("bad.yaml"), settings.replace("users: [sandbox-1]", "users: [sandbox-2]"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(
        0,
        EgressMain.checkConfig(
            new String[] {"check-config", dir.resolve("ok.yaml").toString()}, o, e),
        err.toString());
    assertEquals(
        1,
        EgressMain.checkConfig(
            new String[] {"check-config", dir.resolve("bad.yaml").toString()}, o, e));
    assertTrue(
        err.toString().contains("inject.users: 'sandbox-2' is not a proxy_user"), err.toString());
  }

  @Test
  void everyProblemIsReported() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse(
                    "inject:\n  mode: gitlab\n  users: []\n  control_listen: \"10.0.0.1:3130\"\n"
                        + "  broker_url: ftp://x\n  leaf_validity: 1m\n  typo: 1\n"));
    String m = e.getMessage();
    for (String p :
        new String[] {
          "inject.mode", "inject.users", "inject.control_listen", "inject.control_secret_file",
          "inject.broker_jwt_file", "inject.broker_url", "inject.leaf_validity", "inject.typo"
        }) {
      assertTrue(m.contains(p), p + " in " + m);
    }
  }
}
