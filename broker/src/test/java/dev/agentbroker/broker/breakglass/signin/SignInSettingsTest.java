package dev.agentbroker.broker.breakglass.signin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.broker.breakglass.BreakGlassConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Start-up validation of the page's sign-in: every problem at once, naming property and env var.
 */
class SignInSettingsTest {
  static final String SSO = "https://sso.acme.example";

  static BreakGlassConfig map(Map<String, String> props) {
    return new SmallRyeConfigBuilder()
        .withMapping(BreakGlassConfig.class)
        .withConverter(Duration.class, 100, new DurationConverter())
        .withSources(new PropertiesConfigSource(props, "test", 100))
        .build()
        .getConfigMapping(BreakGlassConfig.class);
  }

  static Map<String, String> oidc() {
    Map<String, String> p = new HashMap<>();
    p.put("broker.breakglass.sign-in", "oidc");
    p.put("broker.breakglass.origin", "https://broker.acme.example");
    p.put("broker.breakglass.oidc.issuer", SSO);
    p.put("broker.breakglass.oidc.client-id", "breakglass-page");
    p.put("broker.breakglass.oidc.client-secret", "s3cret");
    return p;
  }

  static List<String> problems(Map<String, String> p) {
    List<String> out = new ArrayList<>();
    SignInSettings.of(map(p), Set.of(SSO), out);
    return out;
  }

  @Test
  void defaultsAndAValidOidcSetup() {
    List<String> out = new ArrayList<>();
    SignInSettings d = SignInSettings.of(map(Map.of()), Set.of(), out);
    assertEquals(List.of(), out);
    assertEquals(SignInSettings.Mode.NONE, d.mode());
    assertEquals("email", d.identityClaim());
    assertEquals(Duration.ofMinutes(15), d.idleTimeout());
    SignInSettings s = SignInSettings.of(map(oidc()), Set.of(SSO), out);
    assertEquals(List.of(), out);
    assertEquals("https://broker.acme.example/breakglass/signin/callback", s.redirectUri());
    assertTrue(!s.toString().contains("s3cret"), "toString hides the client secret");
  }

  @Test
  void eachMistakeIsNamedWithItsPropertyAndEnvironmentVariable() {
    Map<String, Map<String, String>> cases = new LinkedHashMap<>();
    cases.put("BROKER_BREAKGLASS_SIGN_IN", Map.of("broker.breakglass.sign-in", "password"));
    cases.put(
        "BROKER_BREAKGLASS_ORIGIN",
        Map.of("broker.breakglass.origin", "http://broker.acme.example"));
    cases.put(
        "BROKER_BREAKGLASS_IDENTITY_CLAIM", Map.of("broker.breakglass.identity-claim", "e mail"));
    cases.put(
        "BROKER_BREAKGLASS_OIDC_SCOPES", Map.of("broker.breakglass.oidc.scopes", "email profile"));
    cases.put(
        "BROKER_BREAKGLASS_OIDC_ISSUER",
        Map.of("broker.breakglass.oidc.issuer", "https://machines.acme.example"));
    cases.put(
        "BROKER_BREAKGLASS_SESSION_IDLE_TIMEOUT",
        Map.of("broker.breakglass.session.idle-timeout", "0s"));
    cases.put(
        "BROKER_BREAKGLASS_SESSION_MAX_LIFETIME",
        Map.of("broker.breakglass.session.max-lifetime", "5m"));
    cases.put(
        "BROKER_BREAKGLASS_SESSION_MAX_SESSIONS",
        Map.of("broker.breakglass.session.max-sessions", "0"));
    for (var c : cases.entrySet()) {
      Map<String, String> p = oidc();
      p.putAll(c.getValue());
      List<String> out = problems(p);
      assertEquals(1, out.size(), c.getKey() + ": " + out);
      assertTrue(out.get(0).contains("(" + c.getKey() + ")"), out.get(0));
    }
    // A path, a query or a plain-http non-loopback origin is refused; http on localhost is not.
    for (String bad :
        List.of(
            "https://broker.acme.example/breakglass", "https://b.example?x=1", "ftp://b.example")) {
      Map<String, String> p = oidc();
      p.put("broker.breakglass.origin", bad);
      assertEquals(1, problems(p).size(), bad);
    }
    Map<String, String> local = oidc();
    local.put("broker.breakglass.origin", "http://localhost:8080");
    assertEquals(List.of(), problems(local));
  }

  @Test
  void oidcWithoutItsSettingsListsEveryMissingOneAtOnce() {
    List<String> out = problems(Map.of("broker.breakglass.sign-in", "oidc"));
    assertEquals(4, out.size(), out.toString());
    for (String env : List.of("ORIGIN", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")) {
      assertTrue(out.stream().anyMatch(s -> s.contains("BROKER_BREAKGLASS_" + env + ")")), env);
    }
  }
}
