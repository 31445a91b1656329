package dev.agentbroker.sandbox.internal.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void everyProblemIsListedAtOnceWithItsVariable() {
    Settings s =
        Settings.load(
            Map.of(
                "AGENT_BROKER_URL", "ftp://broker",
                "AGENT_CALLER_TOKEN_FILE", "/x",
                "AGENT_CALLER_TOKEN_COMMAND", "echo",
                "AGENT_EGRESS_PROXY", "proxy",
                "AGENT_SANDBOX_SUBNET", "10.0.0.0/31",
                "AGENT_CA_FILE", "/nonexistent/ca.pem",
                "AGENT_PODMAN_ROOT", "/r"),
            Map.of());
    AgentException e = assertThrows(AgentException.class, s::requireBroker);
    assertEquals(ExitCode.SETTINGS, e.exitCode());
    for (String var :
        new String[] {
          "AGENT_BROKER_URL", "AGENT_CALLER_TOKEN_FILE and AGENT_CALLER_TOKEN_COMMAND",
              "AGENT_EGRESS_PROXY",
          "AGENT_SANDBOX_SUBNET", "AGENT_CA_FILE", "AGENT_PODMAN_ROOT"
        }) {
      assertTrue(e.getMessage().contains(var), var + " in: " + e.getMessage());
    }
    assertTrue(e.getMessage().startsWith("6 problems"), e.getMessage());
    assertTrue(!e.line().contains("\n"), "one line");
  }

  @Test
  void missingBrokerSettingsAreNamed() {
    AgentException e =
        assertThrows(AgentException.class, () -> Settings.load(Map.of(), Map.of()).requireBroker());
    assertTrue(e.getMessage().contains("AGENT_BROKER_URL is not set"), e.getMessage());
    assertTrue(e.getMessage().contains("AGENT_CALLER_TOKEN_FILE"), e.getMessage());
  }

  @Test
  void flagsOverrideTheEnvironment() {
    Settings s =
        Settings.load(
            Map.of(
                "AGENT_BROKER_URL",
                "http://a:1",
                "AGENT_CALLER_TOKEN_FILE",
                "/t",
                "HOME",
                "/ignored"),
            Map.of("AGENT_BROKER_URL", "http://b:2/"));
    s.requireBroker();
    assertEquals("http://b:2", s.brokerUrl().toString());
    assertEquals("github.com", s.gitHost());
    assertEquals("10.200.0.0/16", s.subnet().toString());
  }

  @Test
  void credentialsInTheBrokerUrlAreRefused() {
    Settings s =
        Settings.load(
            Map.of(
                "AGENT_BROKER_URL", "https://user:secret@broker", "AGENT_CALLER_TOKEN_FILE", "/t"),
            Map.of());
    AgentException e = assertThrows(AgentException.class, s::requireBroker);
    assertTrue(e.getMessage().contains("must not carry credentials"), e.getMessage());
    assertTrue(!e.getMessage().contains("secret"), "the secret is not echoed: " + e.getMessage());
  }

  @Test
  void aRootfsOthersCanChangeIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    Settings open = Settings.load(Map.of("AGENT_ROOTFS", dir.toString()), Map.of());
    assertTrue(
        open.problems().stream()
            .anyMatch(p -> p.contains("must be owned by root and not writable by group or others")),
        open.problems().toString());
    java.nio.file.Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    assertEquals(
        List.of(),
        Settings.load(Map.of("AGENT_ROOTFS", dir.toString()), Map.of()).problems(),
        "root-owned 0755 (tests run as root)");
  }
}
