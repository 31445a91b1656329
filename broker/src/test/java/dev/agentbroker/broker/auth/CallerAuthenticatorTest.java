package dev.agentbroker.broker.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.testkit.CallerTokens;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Caller JWT limits, one named row per malformed or limit-breaking token with the stable reason the
 * problem document carries (its {@code code} is always {@code unauthenticated}).
 */
class CallerAuthenticatorTest {
  static final String ISS = "https://agents.test";
  static final String LONG_ISS = "https://long-lived.test";
  static final String AUD = "agent-broker";
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  static final MutableClock CLOCK = new MutableClock(NOW);

  @TempDir static Path dir;
  static KeyPair key;
  static KeyPair longKey;
  static CallerAuthenticator auth;

  static BrokerConfig.Jwt jwt(Map<String, String> props) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(BrokerConfig.class)
            .withConverter(Duration.class, 100, new DurationConverter())
            .withSources(new PropertiesConfigSource(props, "test", 100))
            .build();
    return config.getConfigMapping(BrokerConfig.class).jwt();
  }

  static Map<String, String> base() {
    Map<String, String> p = new HashMap<>();
    p.put("broker.github.app-id", "1");
    p.put("broker.policy.file", "policy.yaml");
    return p;
  }

  static void issuer(Map<String, String> p, String name, String iss, String location) {
    p.put("broker.jwt.issuers." + name + ".issuer", iss);
    p.put("broker.jwt.issuers." + name + ".public-key-location", location);
    p.put("broker.jwt.issuers." + name + ".audiences", AUD);
  }

  @BeforeAll
  static void setUp() throws Exception {
    key = TestKeys.rsa2048();
    longKey = TestKeys.rsa2048();
    Path pem = Files.writeString(dir.resolve("agents.pem"), TestKeys.publicPem(key.getPublic()));
    Path longPem =
        Files.writeString(dir.resolve("long.pem"), TestKeys.publicPem(longKey.getPublic()));
    Map<String, String> p = base();
    issuer(p, "agents", ISS, pem.toString());
    issuer(p, "long", LONG_ISS, longPem.toString());
    p.put("broker.jwt.issuers.long.max-token-lifetime", "3h");
    auth = new CallerAuthenticator(jwt(p), CLOCK);
  }

  static String token(UnaryOperator<CallerTokens.Builder> tweak) {
    CallerTokens.Builder b =
        CallerTokens.rs256(ISS, key.getPrivate())
            .subject("agent-launcher")
            .audience(AUD)
            .issuedAt(NOW)
            .expiresAt(NOW.plusSeconds(300));
    return tweak.apply(b).sign();
  }

  static Arguments row(String name, String token, String reason) {
    return Arguments.of(Named.of(name, token), reason);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        row("no iat", token(b -> b.claim("iat", null)), "iat_required"),
        row(
            "iat in the future beyond the skew",
            token(b -> b.issuedAt(NOW.plusSeconds(300)).expiresAt(NOW.plusSeconds(600))),
            "iat_in_future"),
        row(
            "iat far ahead with a short exp - iat (would outlive the limit)",
            token(
                b ->
                    b.issuedAt(NOW.plus(Duration.ofDays(400)))
                        .expiresAt(NOW.plus(Duration.ofDays(400)).plusSeconds(60))),
            "iat_in_future"),
        row(
            "lifetime 1h + 1s (default limit 1h)",
            token(b -> b.expiresAt(NOW.plusSeconds(3601))),
            "token_lifetime_too_long"),
        row(
            "lifetime 24h",
            token(b -> b.expiresAt(NOW.plus(Duration.ofHours(24)))),
            "token_lifetime_too_long"),
        row(
            "4h from an issuer allowed 3h",
            CallerTokens.rs256(LONG_ISS, longKey.getPrivate())
                .subject("agent")
                .audience(AUD)
                .issuedAt(NOW)
                .expiresAt(NOW.plus(Duration.ofHours(4)))
                .sign(),
            "token_lifetime_too_long"),
        row(
            "expired",
            token(b -> b.issuedAt(NOW.minusSeconds(600)).expiresAt(NOW.minusSeconds(300))),
            "invalid_token"),
        row("wrong audience", token(b -> b.audience("other")), "invalid_token"),
        row(
            "alg none",
            CallerTokens.unsignedAlgNone(ISS, "agent-launcher", AUD, NOW.plusSeconds(300)),
            "invalid_token"),
        row(
            "HS256 keyed with the public key",
            CallerTokens.hs256WithPublicKey(
                ISS, "agent-launcher", AUD, NOW.plusSeconds(300), key.getPublic()),
            "invalid_token"),
        row("no subject", token(b -> b.subject(null)), "invalid_token"),
        row(
            "untrusted issuer",
            CallerTokens.rs256("https://evil.test", key.getPrivate())
                .subject("agent-launcher")
                .audience(AUD)
                .issuedAt(NOW)
                .expiresAt(NOW.plusSeconds(300))
                .sign(),
            "untrusted_issuer"),
        row("garbage", "not.a.jwt", "untrusted_issuer"),
        row("empty", "", "malformed_token"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedWithAStableReason(String token, String reason) {
    String header = "Bearer " + token;
    ProblemException e = assertThrows(ProblemException.class, () -> auth.authenticate(header));
    assertEquals("unauthenticated", e.code().wire());
    assertEquals(reason, e.reason());
  }

  @Test
  void limitsHoldAtTheirEdges() {
    assertEquals(
        "agent-launcher",
        auth.authenticate("Bearer " + token(b -> b.expiresAt(NOW.plusSeconds(3600))))
            .caller()
            .subject(),
        "exactly 1h is allowed");
    auth.authenticate("Bearer " + token(b -> b.issuedAt(NOW.plusSeconds(30))));
    auth.authenticate(
        "Bearer "
            + CallerTokens.rs256(LONG_ISS, longKey.getPrivate())
                .subject("agent")
                .audience(AUD)
                .issuedAt(NOW)
                .expiresAt(NOW.plus(Duration.ofHours(3)))
                .sign());
  }

  @Test
  void theBearerTokenNeverReachesTheCaller() {
    String jwt =
        token(
            b ->
                b.claim("access_token", "ghs_notreallyatoken")
                    .claim("repository", "acme/svc-a")
                    .claim("id_token", "eyJ.x.y"));
    AuthenticatedCaller c = auth.authenticate("Bearer " + jwt);
    Map<String, String> claims = c.caller().claims();
    assertEquals("acme/svc-a", claims.get("repository"));
    for (String name : CallerAuthenticator.TOKEN_CLAIMS) {
      assertFalse(claims.containsKey(name), name + " stripped");
    }
    String signature = jwt.substring(jwt.lastIndexOf('.') + 1);
    String all = c.toString() + claims;
    assertFalse(all.contains(jwt), "no raw token in the Caller");
    assertFalse(all.contains(signature), "not even its signature");
    assertFalse(all.contains("ghs_notreallyatoken"), "nor a token-bearing claim");
  }
}
