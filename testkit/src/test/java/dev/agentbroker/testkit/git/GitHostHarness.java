package dev.agentbroker.testkit.git;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.testkit.CallerTokens;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base for git host tests: the demo simulator, a host serving three acme repositories and
 * octocat/hello-world, tokens minted through the simulator's real REST endpoint, and the real git
 * CLI run with a private HOME, the host's CA, no prompts, and the token handed over by a credential
 * helper from the environment (never in argv or a URL).
 */
abstract class GitHostHarness {
  static final KeyPair APP_KEY = TestKeys.rsa2048();
  static final ObjectMapper JSON = new ObjectMapper();
  static final long ACME = SimulatorFixture.DEMO_ACME_INSTALLATION_ID;
  static final long OCTOCAT = SimulatorFixture.DEMO_OCTOCAT_INSTALLATION_ID;
  static final String READ_SVC_A =
      "{\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"read\"}}";
  static final String WRITE_SVC_A =
      "{\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"write\"}}";

  /** Reads the token from the environment so it never appears in a command line. */
  static final String CREDENTIAL_HELPER =
      "!f() { test \"$1\" = get && echo username=x-access-token"
          + " && echo \"password=$TEST_TOKEN\"; }; f";

  @TempDir Path tmp;
  MutableClock clock;
  GitHubSimulator sim;
  GitHttpHost host;
  Path caFile;
  HttpClient http;

  /** Result of one git run. */
  record GitRun(int exit, String stdout, String stderr) {}

  @BeforeEach
  void startHosts() throws IOException {
    clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
    sim = GitHubSimulator.start(SimulatorFixture.demo(APP_KEY.getPublic()), clock);
    host = startHost(GitHttpHost.DEFAULT_MAX_BODY_BYTES);
    caFile = host.writeCaPem(tmp.resolve("ca/git-host-ca.pem"));
    Files.createDirectories(tmp.resolve("home"));
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  GitHttpHost startHost(long maxBodyBytes) throws IOException {
    return GitHttpHost.start(
        sim,
        tmp.resolve("repos"),
        List.of("acme/svc-a", "acme/svc-b", "octocat/hello-world"),
        0,
        maxBodyBytes);
  }

  @AfterEach
  void stopHosts() {
    host.close();
    sim.close();
  }

  /** Mints through {@code POST /app/installations/{id}/access_tokens} with a fresh App JWT. */
  String mintToken(long installationId, String body) {
    String jwt = CallerTokens.rs256("424242", APP_KEY.getPrivate()).clock(clock).sign();
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(
                    sim.baseUri() + "/app/installations/" + installationId + "/access_tokens"))
            .header("Authorization", "Bearer " + jwt)
            .header("User-Agent", "git-host-tests")
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
            .build();
    HttpResponse<String> r = send(req);
    if (r.statusCode() != 201) {
      throw new AssertionError("mint failed: " + r.statusCode() + " " + r.body());
    }
    try {
      return JSON.readTree(r.body()).get("token").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code DELETE /installation/token}, as a broker revoking a token does. */
  void revoke(String token) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(sim.baseUri() + "/installation/token"))
            .header("Authorization", "token " + token)
            .header("User-Agent", "git-host-tests")
            .DELETE()
            .build();
    int status = send(req).statusCode();
    if (status != 204) {
      throw new AssertionError("revoke answered " + status);
    }
  }

  HttpResponse<String> send(HttpRequest req) {
    return send(http, req);
  }

  static HttpResponse<String> send(HttpClient client, HttpRequest req) {
    try {
      return client.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> hostRequest(String method, String path, String token, byte[] body) {
    return request(
        host,
        method,
        path,
        token,
        Map.of("Content-Type", "application/x-git-receive-pack-request"),
        body);
  }

  /**
   * A hand-made request over TLS trusting only the host's CA (so it also proves the certificate and
   * its {@code localhost} SAN); {@code token} goes in as Basic {@code x-access-token:token}.
   */
  static HttpResponse<String> request(
      GitHttpHost target,
      String method,
      String path,
      String token,
      Map<String, String> headers,
      byte[] body) {
    HttpClient client = HttpClient.newBuilder().sslContext(target.clientSslContext()).build();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(target.baseUri() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    if (token != null) {
      String basic = "x-access-token:" + token;
      b.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    return send(client, b.build());
  }

  /** Runs git in {@code dir}; {@code token} null means no credential helper at all. */
  GitRun git(Path dir, String token, String... args) {
    return git(dir, token, Map.of(), args);
  }

  GitRun git(Path dir, String token, Map<String, String> extraEnv, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    String path = env.get("PATH");
    env.clear();
    env.put("PATH", path == null ? "/usr/local/bin:/usr/bin:/bin" : path);
    env.put("HOME", tmp.resolve("home").toString());
    env.put("LC_ALL", "C");
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_SSL_CAINFO", caFile.toString());
    env.put("GIT_AUTHOR_NAME", "Agent");
    env.put("GIT_AUTHOR_EMAIL", "agent@example.invalid");
    env.put("GIT_COMMITTER_NAME", "Agent");
    env.put("GIT_COMMITTER_EMAIL", "agent@example.invalid");
    if (token != null) {
      env.put("GIT_CONFIG_COUNT", "1");
      env.put("GIT_CONFIG_KEY_0", "credential.helper");
      env.put("GIT_CONFIG_VALUE_0", CREDENTIAL_HELPER);
      env.put("TEST_TOKEN", token);
    }
    env.putAll(extraEnv);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      String out = readAll(p.getInputStream());
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("git " + String.join(" ", args) + " timed out");
      }
      return new GitRun(p.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A local repository (no network) with one commit of {@code files}; returns its directory. */
  Path localRepo(String name, Map<String, byte[]> files) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("work").resolve(name));
    requireOk(git(dir, null, "init", "--quiet", "-b", "main"));
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Files.write(dir.resolve(f.getKey()), f.getValue());
    }
    requireOk(git(dir, null, "add", "--all"));
    requireOk(git(dir, null, "commit", "--quiet", "-m", "agent change"));
    return dir;
  }

  static GitRun requireOk(GitRun run) {
    if (run.exit() != 0) {
      throw new AssertionError("git failed (" + run.exit() + "): " + run.stderr());
    }
    return run;
  }

  /** Status codes the host answered, in order. */
  List<Integer> statuses() {
    return host.requests().stream().map(GitRequest::status).toList();
  }
}
