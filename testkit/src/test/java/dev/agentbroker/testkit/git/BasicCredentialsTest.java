package dev.agentbroker.testkit.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class BasicCredentialsTest {

  static String basic(String userPass) {
    return Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "x-access-token:ghs_abc, x-access-token, ghs_abc",
    "anything:ghs_abc, anything, ghs_abc",
    ":ghs_abc, '', ghs_abc",
    "u:pa:ss, u, pa:ss"
  })
  void parses(String userPass, String user, String password) {
    for (String scheme : new String[] {"Basic ", "basic ", "BASIC  "}) {
      GitHttpHandler.Credentials c = GitHttpHandler.basic(scheme + basic(userPass));
      assertEquals(user, c.username());
      assertEquals(password, c.password());
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @NullSource
  @ValueSource(
      strings = {
        "",
        "Basic",
        "Basic !!!notbase64",
        "Bearer ghs_abc",
        "token ghs_abc",
        "Basic eC1hY2Nlc3MtdG9rZW4=", // "x-access-token": no colon
        "Basic eC1hY2Nlc3MtdG9rZW46" // "x-access-token:": empty password
      })
  void rejects(String header) {
    assertNull(GitHttpHandler.basic(header));
  }

  @Test
  void credentialsNeverPrintThePassword() {
    String s = GitHttpHandler.basic("Basic " + basic("x-access-token:ghs_secret")).toString();
    assertFalse(s.contains("ghs_secret"), s);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "x-access-token, x-access-token",
    "bot.user_1, bot.user_1",
    "'', x-access-token",
    "'a b', x-access-token",
    "'evil\nname', x-access-token"
  })
  void remoteUserIsSanitised(String given, String expected) {
    assertEquals(expected, GitHttpHandler.remoteUser(given));
  }
}
