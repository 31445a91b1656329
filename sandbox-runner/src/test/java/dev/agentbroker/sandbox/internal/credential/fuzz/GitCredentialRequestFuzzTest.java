package dev.agentbroker.sandbox.internal.credential.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.agentbroker.sandbox.internal.credential.GitCredentialRequest;
import dev.agentbroker.sandbox.internal.settings.RepoRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzz target for the git credential-helper protocol reader (stdin of {@code agent credential} and
 * the body of the sandbox's credential endpoint). Contract: a request is read or refused with an
 * {@link IllegalArgumentException} (nothing else); reading a stream equals parsing the text up to
 * the blank line; every {@code key=value} given is returned as given (derived url fields never
 * override explicit ones); a repository is claimed only for https on the git host with a valid
 * {@code OWNER/NAME}; and the answer git reads back carries exactly the token and expiry. Seeds:
 * {@code GitCredentialRequestFuzzTestInputs/read/}.
 */
class GitCredentialRequestFuzzTest {
  private static final int MAX_BYTES = 64 * 1024;
  private static final String GIT_HOST = "github.com";

  @FuzzTest
  @DictionaryEntries({
    "protocol=https",
    "host=github.com",
    "path=",
    "url=https://",
    "username=",
    "password=",
    "capability[]=authtype",
    "wwwauth[]=",
    ".git"
  })
  void read(byte[] input) throws IOException {
    byte[] request = untilBlankLine(input);
    GitCredentialRequest fromStream;
    try {
      fromStream = GitCredentialRequest.read(new ByteArrayInputStream(input));
    } catch (IllegalArgumentException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank());
      if (request.length <= MAX_BYTES) {
        assertThrows(
            IllegalArgumentException.class,
            () -> GitCredentialRequest.parse(new String(request, StandardCharsets.UTF_8)),
            "stream and text readers agree on refusals");
      }
      return;
    }
    assertTrue(request.length <= MAX_BYTES, "requests over 64 KiB are refused");
    String text = new String(request, StandardCharsets.UTF_8);
    GitCredentialRequest fromText = GitCredentialRequest.parse(text);

    Map<String, String> given = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty()) {
        int eq = line.indexOf('=');
        given.merge(line.substring(0, eq), line.substring(eq + 1), (a, b) -> a + "\n" + b);
      }
    }
    for (String key : new String[] {"protocol", "host", "path", "url", "username", "password"}) {
      given.putIfAbsent(key, null);
    }
    given.forEach(
        (key, value) -> {
          assertEquals(fromText.get(key), fromStream.get(key), key);
          if (value != null) {
            assertEquals(Optional.of(value), fromStream.get(key), () -> "given " + key);
          }
        });

    Optional<RepoRef> repo = fromStream.repositoryOn(GIT_HOST);
    assertEquals(repo, fromText.repositoryOn(GIT_HOST));
    repo.ifPresent(
        r -> {
          assertEquals(Optional.of("https"), fromStream.get("protocol"));
          assertEquals(GIT_HOST, fromStream.get("host").orElseThrow().toLowerCase(Locale.ROOT));
          assertEquals(Optional.empty(), RepoRef.problem(r.owner() + "/" + r.name()));
          String path = fromStream.get("path").orElseThrow();
          assertTrue(
              path.equals(r.owner() + "/" + r.name()) || path.startsWith(r.owner() + "/"), path);
        });

    // The answer round-trips through the same reader git's side of the protocol uses.
    String token = fromStream.get("password").orElse("ghs_example");
    if (token.length() <= 1024 && token.indexOf('\n') < 0 && token.indexOf('\0') < 0) {
      GitCredentialRequest answer =
          GitCredentialRequest.parse(GitCredentialRequest.answer(token, 1_700_000_000L));
      assertEquals(Optional.of("x-access-token"), answer.get("username"));
      assertEquals(Optional.of(token), answer.get("password"));
      assertEquals(Optional.of("1700000000"), answer.get("password_expiry_utc"));
    } else {
      assertThrows(
          IllegalArgumentException.class,
          () -> GitCredentialRequest.answer(token + "\n", 0),
          "a token that would inject protocol lines is refused");
    }
  }

  /** The bytes git's reader consumes: up to (not including) the newline of the first blank line. */
  private static byte[] untilBlankLine(byte[] input) {
    int lineLength = 0;
    for (int i = 0; i < input.length; i++) {
      if (input[i] == '\n') {
        if (lineLength == 0) {
          return Arrays.copyOf(input, i);
        }
        lineLength = 0;
      } else {
        lineLength++;
      }
    }
    return input;
  }
}
