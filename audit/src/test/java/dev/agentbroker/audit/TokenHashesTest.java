package dev.agentbroker.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.github.InstallationTokens;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@code hashed_token} is GitHub's audit-log field: Base64 (standard, padded) of the SHA-256 of the
 * token. The expected values below were computed with the command GitHub's docs give ({@code echo
 * -n TOKEN | openssl dgst -sha256 -binary | base64}), not with the code under test.
 */
class TokenHashesTest {
  static final String CLASSIC = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
  static final String CLASSIC_HASHED = "eXwM5BRYbMjraSmv6UfHIOPk01HdBwpv459jC+qrMFQ=";
  static final String CLASSIC_HEX =
      "797c0ce414586cc8eb6929afe947c720e3e4d351dd070a6fe39f630beaab3054";

  @Test
  void githubHashedTokenMatchesOpenssl() {
    assertEquals(CLASSIC_HEX, TokenHashes.sha256Hex(CLASSIC));
    assertEquals(CLASSIC_HASHED, TokenHashes.githubHashedToken(CLASSIC));
    assertEquals(CLASSIC_HASHED, TokenHashes.githubHashedTokenOfSha256Hex(CLASSIC_HEX));
    assertTrue(TokenHashes.isGithubHashedToken(CLASSIC_HASHED));
    assertFalse(TokenHashes.isGithubHashedToken(CLASSIC));
  }

  @Test
  void statelessTokensHashTheSameWay() {
    String token = InstallationTokens.statelessSample(424242, 51_000_001);
    assertEquals(
        TokenHashes.githubHashedTokenOfSha256Hex(TokenHashes.sha256Hex(token)),
        TokenHashes.githubHashedToken(token));
    assertEquals(44, TokenHashes.githubHashedToken(token).length());
  }

  @Test
  void everyEventWithADigestCarriesGitHubsEncodingBesideIt() {
    AuditEvent e =
        AuditEvent.builder("token.mint", Outcomes.ALLOWED)
            .time(Instant.parse("2026-11-25T10:00:00Z"))
            .tokenSha256(CLASSIC_HEX)
            .build();
    assertEquals(CLASSIC_HASHED, e.hashedToken());
    String json = AuditEventJson.toJson(e);
    assertTrue(
        json.contains(
            "\"token_sha256\":\"" + CLASSIC_HEX + "\",\"hashed_token\":\"" + CLASSIC_HASHED + "\""),
        json);
    assertEquals(e, AuditEventJson.fromJson(json));
    assertNull(
        AuditEvent.builder("x", "y").time(Instant.EPOCH).build().hashedToken(),
        "no digest, no hashed_token");
  }

  @Test
  void aHashedTokenThatDisagreesOrStandsAloneIsRefused() {
    var mismatch =
        AuditEvent.builder("x", "y")
            .time(Instant.EPOCH)
            .tokenSha256(CLASSIC_HEX)
            .hashedToken(TokenHashes.githubHashedToken("ghs_other"));
    assertThrows(IllegalArgumentException.class, mismatch::build);
    var alone = AuditEvent.builder("x", "y").time(Instant.EPOCH).hashedToken(CLASSIC);
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, alone::build);
    assertFalse(ex.getMessage().contains(CLASSIC), "never echoes what may be a raw token");
    assertThrows(
        IllegalArgumentException.class, () -> TokenHashes.githubHashedTokenOfSha256Hex(CLASSIC));
  }
}
