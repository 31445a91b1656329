package dev.agentbroker.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigTest {
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int check(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return EgressMain.checkConfig(
        new String[] {"check-config", f.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void embeddedDefaultsAreValid() throws Exception {
    EgressConfig c = EgressMain.embeddedSettings();
    assertEquals("127.0.0.1", c.listen().get(0).getAddress().getHostAddress());
    assertEquals(3128, c.listen().get(0).getPort());
    String text =
        new String(
            EgressMain.class.getResourceAsStream("/egress-proxy-default.yaml").readAllBytes(),
            StandardCharsets.UTF_8);
    assertEquals(0, check("proxy.yaml", text), err.toString());
    assertTrue(out.toString().contains("4 groups, 1 client networks"), out.toString());
  }

  @Test
  void everyProblemIsReported() throws Exception {
    int rc =
        check(
            "proxy.yaml",
            "listen: [\"0.0.0.0:3128\", \"proxy.example:3128\"]\n"
                + "limits: {idle_timeout: forever, max_headerz: 3}\n"
                + "groups: {github: {ports: [70000]}}\n"
                + "proxy_users: {Runner: {password_sha256: abc}, ok: {password: x}}\n");
    assertEquals(1, rc);
    String e = err.toString();
    assertTrue(e.contains("allow_wildcard_listen"), e);
    assertTrue(e.contains("no host names"), e);
    assertTrue(e.contains("limits.idle_timeout"), e);
    assertTrue(e.contains("limits.max_headerz: unknown key"), e);
    assertTrue(e.contains("groups.github.ports"), e);
    assertTrue(e.contains("proxy_users.Runner: user names are lower-case"), e);
    assertTrue(e.contains("proxy_users.Runner.password_sha256: must be the SHA-256"), e);
    assertTrue(e.contains("proxy_users.ok.password: unknown key"), e);
    assertTrue(e.contains("proxy_users.ok.password_sha256: one SHA-256"), e);
  }

  @Test
  void policyProxyUsersNeedASecretInTheSettings() throws Exception {
    Path policy = dir.resolve("users-policy.yaml");
    Files.writeString(
        policy,
        "version: 1\nidentities: []\negress:\n  groups: {g: [a.example]}\n  clients:\n"
            + "    - {cidr: 10.0.0.0/8, profile: ci, groups: [g], proxy_user: runner-1}\n");
    String hash = "ab".repeat(32);
    assertEquals(1, check("proxy.yaml", "policy_file: " + policy + "\n"));
    assertTrue(err.toString().contains("proxy_user 'runner-1'"), err.toString());
    err.reset();
    String digits = "0".repeat(64);
    assertEquals(
        1,
        check(
            "proxy.yaml",
            "policy_file: "
                + policy
                + "\nproxy_users: {runner-1: {password_sha256: "
                + digits
                + "}}\n"));
    assertTrue(err.toString().contains("must be a quoted string"), err.toString());
    err.reset();
    assertEquals(
        0,
        check(
            "proxy.yaml",
            "policy_file: "
                + policy
                + "\nproxy_users: {runner-1: {password_sha256: "
                + hash
                + "}}\n"),
        err.toString());
  }

  @Test
  void settingsMustMatchThePolicy() throws Exception {
    assertEquals(
        1,
        check(
            "proxy.yaml",
            "groups: {nope: {ports: [443]}, github: {internal_hosts: [git.corp.example]}}\n"));
    assertTrue(err.toString().contains("groups.nope: no such group"), err.toString());
    assertTrue(err.toString().contains("git.corp.example"), err.toString());
  }

  @Test
  void policyFilesAreCheckedToo() throws Exception {
    assertEquals(
        1, check("policy.yaml", "version: 1\nidentities: []\negress: {groups: {g: [10.0.0.1]}}\n"));
    assertTrue(err.toString().contains("IP address"), err.toString());
  }

  @Test
  void usage() {
    assertEquals(
        2,
        EgressMain.checkConfig(
            new String[] {"check-config"}, new PrintStream(out), new PrintStream(err)));
  }
}
