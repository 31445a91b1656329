package dev.agentbroker.sandbox.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The run's helper directory: readable by uid 1000, no secret inside, removed at the end. */
class HelperFilesTest {
  record Out(int status, String text) {}

  static Out helper(HelperFiles f, String action, Map<String, String> env, String stdin)
      throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(f.dir().resolve(HelperFiles.CREDENTIAL_HELPER).toString(), action);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    return new Out(p.exitValue(), out);
  }

  @Test
  void withoutAnEndpointTheHelperAnswersFromGhTokenOnlyForGet() throws Exception {
    try (HelperFiles f = HelperFiles.write("t1", Optional.empty())) {
      String req = "protocol=https\nhost=github.com\npath=acme/svc-a.git\n\n";
      assertEquals(
          "username=x-access-token\npassword=ghs_x\n",
          helper(f, "get", Map.of("GH_TOKEN", "ghs_x"), req).text());
      assertEquals("", helper(f, "store", Map.of("GH_TOKEN", "ghs_x"), req).text());
      assertEquals("", helper(f, "get", Map.of(), req).text(), "no token, no answer");
      assertEquals(0, helper(f, "unknown-action", Map.of(), "").status());
    }
  }

  @Test
  void anUnreachableEndpointGivesGitNoCredential() throws Exception {
    try (HelperFiles f = HelperFiles.write("t2", Optional.empty())) {
      Out o =
          helper(
              f,
              "get",
              Map.of("AGENT_CREDENTIAL_URL", "http://127.0.0.1:9"),
              "protocol=https\nhost=github.com\n\n");
      assertTrue(o.status() != 0, "curl -f fails: " + o.text());
      assertFalse(o.text().contains("password="));
    }
  }

  @Test
  void filesAreWorldReadableHoldNoSecretAndAreRemoved(@org.junit.jupiter.api.io.TempDir Path ca)
      throws Exception {
    Files.writeString(
        ca.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    HelperFiles f = HelperFiles.write("t3", Optional.of(ca.resolve("ca.pem")));
    Path dir = f.dir();
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = s.toList();
      assertEquals(5, files.size(), files.toString());
      for (Path p : files) {
        assertTrue(
            Files.getPosixFilePermissions(p)
                .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
            p.toString());
        assertFalse(Files.readString(p).contains("ghs_"), p + " holds no token");
      }
    }
    assertTrue(
        Files.readString(dir.resolve(HelperFiles.CA_BUNDLE))
            .endsWith("-----END CERTIFICATE-----\n\n"));
    f.close();
    assertFalse(Files.exists(dir));
  }

  @Test
  void anInjectedRunGetsTheProxyCaAndNoCredentialHelper() throws Exception {
    String ca = "-----BEGIN CERTIFICATE-----\nINJECTCA\n-----END CERTIFICATE-----\n";
    try (HelperFiles f = HelperFiles.write("t4", Optional.empty(), Optional.of(ca))) {
      try (Stream<Path> s = Files.list(f.dir())) {
        assertEquals(
            List.of("ca-bundle.pem", "group", "passwd"),
            s.map(p -> p.getFileName().toString()).sorted().toList());
      }
      assertTrue(f.hasCaBundle());
      String bundle = Files.readString(f.dir().resolve(HelperFiles.CA_BUNDLE));
      assertTrue(bundle.contains("INJECTCA"), "the proxy's CA is appended");
      assertTrue(bundle.indexOf("INJECTCA") > 0, "to the copy of the system bundle");
    }
  }

  @Test
  void anInjectedSandboxHasNoHelperNoEndpointAndTrustsTheBundle() {
    SandboxEnv env =
        new SandboxEnv(
            "r1",
            dev.agentbroker.sandbox.internal.settings.RepoRef.parse("acme/svc-a"),
            "github.com",
            true,
            false,
            true);
    env.network("http://sandbox-1:pw@10.200.0.1:3128", null);
    Map<String, String> v = env.values();
    assertEquals("1", v.get("GIT_CONFIG_COUNT"));
    assertEquals("credential.helper", v.get("GIT_CONFIG_KEY_0"));
    assertEquals("", v.get("GIT_CONFIG_VALUE_0"));
    assertFalse(v.containsKey("AGENT_CREDENTIAL_URL"));
    assertFalse(v.containsKey(SandboxEnv.TOKEN_VAR));
    assertEquals("/run/agent/ca-bundle.pem", v.get("GIT_SSL_CAINFO"));
    assertEquals("http://sandbox-1:pw@10.200.0.1:3128", v.get("https_proxy"));
    assertFalse(v.values().stream().anyMatch(x -> x.contains("git-credential-agent")));
  }
}
