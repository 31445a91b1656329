package dev.agentbroker.sandbox.internal.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.sandbox.internal.settings.RepoRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** git's credential protocol as git sends it (gitcredentials(7)); a request is what git writes. */
class GitCredentialRequestTest {
  static GitCredentialRequest read(String s) throws IOException {
    return GitCredentialRequest.read(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "exact path|protocol=https\\nhost=github.com\\npath=acme/svc-a.git\\n\\n|github.com|acme/svc-a",
        "no .git suffix|protocol=https\\nhost=github.com\\npath=acme/svc-a\\n\\n|github.com|acme/svc-a",
        "host case|protocol=https\\nhost=GitHub.COM\\npath=acme/svc-a.git\\n\\n|github.com|acme/svc-a",
        "with port|protocol=https\\nhost=localhost:8443\\npath=acme/svc-a.git\\n\\n|localhost:8443|acme/svc-a",
        "url form|url=https://github.com/acme/svc-a.git\\n\\n|github.com|acme/svc-a",
        "trailing slash|protocol=https\\nhost=github.com\\npath=acme/svc-a/\\n\\n|github.com|acme/svc-a",
        "eof without blank line|protocol=https\\nhost=github.com\\npath=acme/svc-a.git|github.com|acme/svc-a",
        "capabilities repeat|capability[]=authtype\\ncapability[]=state\\nprotocol=https\\nhost=github.com\\npath=acme/svc-a.git\\n\\n|github.com|acme/svc-a",
        "unknown keys ignored|protocol=https\\nhost=github.com\\npath=acme/svc-a.git\\nwwwauth[]=Basic realm=\"GitHub\"\\n\\n|github.com|acme/svc-a",
        "other host|protocol=https\\nhost=gitlab.com\\npath=acme/svc-a.git\\n\\n|github.com|-",
        "port differs|protocol=https\\nhost=localhost:9999\\npath=acme/svc-a.git\\n\\n|localhost:8443|-",
        "plain http|protocol=http\\nhost=github.com\\npath=acme/svc-a.git\\n\\n|github.com|-",
        "no path (useHttpPath off)|protocol=https\\nhost=github.com\\n\\n|github.com|-",
        "deeper path|protocol=https\\nhost=github.com\\npath=acme/svc-a/info/refs\\n\\n|github.com|-",
        "traversal|protocol=https\\nhost=github.com\\npath=acme/..\\n\\n|github.com|-",
        "empty request|\\n|github.com|-",
      })
  void repositoryOn(String name, String request, String gitHost, String expected)
      throws IOException {
    GitCredentialRequest r = read(request.replace("\\n", "\n"));
    Optional<RepoRef> repo = r.repositoryOn(gitHost);
    assertEquals(
        expected.equals("-") ? Optional.empty() : Optional.of(RepoRef.parse(expected)), repo, name);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "line without =|protocol=https\\nhost\\n\\n|without key=value",
        "empty key|=https\\n\\n|without key=value",
        "duplicate host|protocol=https\\nhost=github.com\\nhost=evil.example\\n\\n|given twice",
        "NUL byte|protocol=https\\nhost=github.com\\u0000evil\\n\\n|NUL",
      })
  void malformed(String name, String request, String expected) {
    String text = request.replace("\\n", "\n").replace("\\u0000", "\0");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> read(text), name);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void oversizedRequestIsRefused() {
    String big = "protocol=https\nhost=" + "a".repeat(70_000) + "\n\n";
    assertThrows(IllegalArgumentException.class, () -> read(big));
  }

  @Test
  void readStopsAtTheBlankLine() throws IOException {
    ByteArrayInputStream in =
        new ByteArrayInputStream(
            "protocol=https\nhost=github.com\n\nprotocol=https\nhost=evil\n"
                .getBytes(StandardCharsets.UTF_8));
    GitCredentialRequest r = GitCredentialRequest.read(in);
    assertEquals(Optional.of("github.com"), r.get("host"));
    assertTrue(in.available() > 0, "the rest is left unread");
  }

  @Test
  void answerRefusesAMultiLineToken() {
    assertEquals(
        "username=x-access-token\npassword=ghs_abc\npassword_expiry_utc=1700000000\n",
        GitCredentialRequest.answer("ghs_abc", 1_700_000_000L));
    assertThrows(
        IllegalArgumentException.class, () -> GitCredentialRequest.answer("ghs_a\nhost=evil", 1));
  }
}
