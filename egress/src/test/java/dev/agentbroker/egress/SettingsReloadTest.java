package dev.agentbroker.egress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.internal.SettingsParser;
import dev.agentbroker.egress.support.Harness;
import dev.agentbroker.egress.support.Origin;
import dev.agentbroker.egress.support.Raw;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings file's reloadable parts, through a real settings file: {@code proxy_users} (secret
 * rotation with two hashes, then retiring the old one) and {@code groups}; a broken edit keeps the
 * last good settings.
 */
class SettingsReloadTest {
  private static final String OLD = "old-secret-3f9a1c7e5d2b4a6f8e0c";
  private static final String NEW = "new-secret-8b2d4f6a0c1e3a5c7e9f";

  @TempDir Path dir;
  Origin origin;
  Path settings;
  EgressProxy proxy;

  @BeforeEach
  void start() throws Exception {
    origin = Origin.plain();
    Files.writeString(
        dir.resolve("policy.yaml"),
        "version: 1\nidentities: []\negress:\n  groups: {test: [origin.test]}\n  clients:\n"
            + "    - {cidr: 127.0.0.1/32, profile: ci, groups: [test], proxy_user: agent-7}\n");
    settings = dir.resolve("egress.yaml");
    write(origin.port(), "\"" + Harness.sha256Hex(OLD) + "\"");
    proxy =
        EgressProxy.builder(
                SettingsParser.parse(Files.readString(settings), settings.toString(), dir))
            .settingsFile(settings)
            .resolver(host -> List.of(InetAddress.getLoopbackAddress()))
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    origin.close();
  }

  private void write(int port, String hashes) throws Exception {
    Files.writeString(
        settings,
        "listen: [\"127.0.0.1:0\"]\npolicy_file: policy.yaml\nreload_interval: 1h\n"
            + "groups: {test: {ports: ["
            + port
            + "], internal_hosts: [origin.test], allow_ips: [\"127.0.0.1/32\"]}}\n"
            + "proxy_users: {agent-7: {password_sha256: "
            + hashes
            + "}}\n");
  }

  private String connect(String secret) throws Exception {
    String credentials =
        Base64.getEncoder().encodeToString(("agent-7:" + secret).getBytes(StandardCharsets.UTF_8));
    return Raw.exchange(
        proxy.listenAddresses().get(0).getPort(),
        "CONNECT origin.test:"
            + origin.port()
            + " HTTP/1.1\r\nProxy-Authorization: Basic "
            + credentials
            + "\r\n\r\n");
  }

  private static void assertStatus(String status, String response) {
    assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
  }

  @Test
  void aSecretIsRotatedWithoutDowntime() throws Exception {
    assertStatus("200", connect(OLD));
    assertStatus("407", connect(NEW));
    // Both hashes during the rotation: both secrets work.
    write(
        origin.port(), "[\"" + Harness.sha256Hex(OLD) + "\", \"" + Harness.sha256Hex(NEW) + "\"]");
    assertTrue(proxy.reloadNow());
    assertStatus("200", connect(OLD));
    assertStatus("200", connect(NEW));
    // The old one retired.
    write(origin.port(), "\"" + Harness.sha256Hex(NEW) + "\"");
    assertTrue(proxy.reloadNow());
    assertStatus("407", connect(OLD));
    assertStatus("200", connect(NEW));
  }

  @Test
  void aBrokenEditKeepsTheLastGoodSettings() throws Exception {
    write(origin.port(), "\"not-a-hash\"");
    assertFalse(proxy.reloadNow());
    assertTrue(proxy.scrape().contains("egress_config_last_reload_failed 1"), proxy.scrape());
    assertStatus("200", connect(OLD));
    // Three hashes are refused too: rotation means at most two.
    String h = "\"" + Harness.sha256Hex(OLD) + "\"";
    write(origin.port(), "[" + h + ", " + h + ", " + h + "]");
    assertFalse(proxy.reloadNow());
    assertStatus("200", connect(OLD));
  }

  @Test
  void groupPortsReloadFromTheSettingsFile() throws Exception {
    write(origin.port() == 1 ? 2 : 1, "\"" + Harness.sha256Hex(OLD) + "\"");
    assertTrue(proxy.reloadNow());
    String r = connect(OLD);
    assertStatus("403", r);
    assertTrue(r.contains("X-Egress-Reason: port_not_allowed"), r);
  }
}
