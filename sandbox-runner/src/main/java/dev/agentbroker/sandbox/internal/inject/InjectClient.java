package dev.agentbroker.sandbox.internal.inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.http.JsonHttp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The egress proxy's run-registration API ({@code agent run --inject}, ADR 0017), over HTTP on
 * loopback: {@code PUT /runs/{id}} instead of minting a token, {@code GET /ca.pem} for the one
 * certificate the sandbox must trust, {@code DELETE /runs/{id}} at the end (the proxy revokes the
 * run's token). Any failure is {@link ExitCode#INJECT_UNAVAILABLE}: there is no fallback to a token
 * in the sandbox. The bearer secret is re-read from its file for every call and never printed.
 */
public final class InjectClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Path secretFile;
  private final Duration connectTimeout;
  private final Duration timeout;

  public InjectClient(URI base, Path secretFile) {
    this(base, secretFile, Duration.ofSeconds(3), Duration.ofSeconds(15));
  }

  InjectClient(URI base, Path secretFile, Duration connectTimeout, Duration timeout) {
    this.base = base;
    this.secretFile = secretFile;
    this.connectTimeout = connectTimeout;
    this.timeout = timeout;
  }

  /** One run: the proxy user whose traffic is injected, and the grant the proxy mints within. */
  public record Registration(
      String runId,
      String proxyUser,
      String owner,
      List<String> repositories,
      Map<String, String> permissions,
      Instant expiresAt) {}

  /** Registers the run; the proxy answers 201 (or 200 for the identical registration). */
  public void register(Registration r) {
    ObjectNode body = JSON.createObjectNode();
    body.put("proxy_user", r.proxyUser());
    body.put("owner", r.owner());
    r.repositories().forEach(body.putArray("repositories")::add);
    ObjectNode perms = body.putObject("permissions");
    // The registration API takes read/write levels only; metadata=read is implied at GitHub.
    new TreeMap<>(r.permissions())
        .forEach(
            (k, v) -> {
              if (v.equals("read") || v.equals("write")) {
                perms.put(k, v);
              }
            });
    body.put("expires_at", r.expiresAt().toString());
    JsonHttp.Response a = exchange("PUT", "/runs/" + r.runId(), body.toString(), "register");
    if (a.status() != 201 && a.status() != 200) {
      throw refused("register", a);
    }
  }

  /** The proxy's CA certificate (PEM); refused unless it is certificates only. */
  public String caPem() {
    JsonHttp.Response a = exchange("GET", "/ca.pem", null, "fetch the CA");
    if (a.status() != 200) {
      throw refused("fetch the CA", a);
    }
    return checkedCertificates(a.body());
  }

  /** Ends the run; true when the proxy knew it (204), false for 404 (already ended or expired). */
  public boolean unregister(String runId) {
    JsonHttp.Response a = exchange("DELETE", "/runs/" + runId, null, "unregister");
    if (a.status() == 204) {
      return true;
    }
    if (a.status() == 404) {
      return false;
    }
    throw refused("unregister", a);
  }

  /**
   * {@code http://USER:SECRET@HOST:PORT}: the sandbox's proxy URL with its proxy user, whose secret
   * (from {@code secretFile}) is what names the run at the proxy. It is a proxy credential, not a
   * GitHub one: the proxy accepts it only from the sandboxes' addresses.
   */
  public static String proxyUrl(String hostPort, String user, Path secretFile) {
    String s;
    try {
      s = Files.readString(secretFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new AgentException(
          ExitCode.SETTINGS, "AGENT_INJECT_PROXY_SECRET_FILE: " + secretFile + " cannot be read");
    }
    if (s.isEmpty() || s.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new AgentException(
          ExitCode.SETTINGS,
          "AGENT_INJECT_PROXY_SECRET_FILE: " + secretFile + " holds no usable secret");
    }
    return "http://" + userinfo(user) + ":" + userinfo(s) + "@" + hostPort;
  }

  /** Percent-encodes all but RFC 3986's unreserved characters (a secret may hold ':' or '@'). */
  static String userinfo(String s) {
    StringBuilder b = new StringBuilder();
    for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(String.format("%02X", c & 0xff));
      }
    }
    return b.toString();
  }

  /** PEM text that parses as one or more X.509 certificates and holds nothing else secret. */
  static String checkedCertificates(String pem) {
    if (pem.contains("PRIVATE KEY") || !pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new AgentException(
          ExitCode.INJECT_UNAVAILABLE, "the proxy's /ca.pem is not a PEM certificate");
    }
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      if (f.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .isEmpty()) {
        throw new CertificateException("no certificate");
      }
    } catch (CertificateException e) {
      throw new AgentException(
          ExitCode.INJECT_UNAVAILABLE, "the proxy's /ca.pem does not parse: " + e.getMessage());
    }
    return pem.endsWith("\n") ? pem : pem + "\n";
  }

  private JsonHttp.Response exchange(String method, String path, String body, String what) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + secret());
    try {
      return JsonHttp.exchange(
          URI.create(base + path), method, headers, body, connectTimeout, timeout);
    } catch (JsonHttp.Unreachable e) {
      throw new AgentException(
          ExitCode.INJECT_UNAVAILABLE,
          "cannot reach the egress proxy's registration API at "
              + base
              + " ("
              + what
              + "): "
              + e.getMessage());
    }
  }

  private String secret() {
    try {
      String s = Files.readString(secretFile, StandardCharsets.UTF_8).strip();
      if (s.isEmpty() || s.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw new AgentException(
            ExitCode.SETTINGS,
            "AGENT_INJECT_SECRET_FILE: " + secretFile + " holds no usable secret");
      }
      return s;
    } catch (IOException e) {
      throw new AgentException(
          ExitCode.SETTINGS, "AGENT_INJECT_SECRET_FILE: " + secretFile + " cannot be read");
    }
  }

  private AgentException refused(String what, JsonHttp.Response a) {
    String code =
        JsonHttp.object(a.body())
            .map(n -> n.path("code").asText(""))
            .filter(c -> c.matches("[a-z_]{1,64}"))
            .orElse("");
    return new AgentException(
        ExitCode.INJECT_UNAVAILABLE,
        "the egress proxy refused to "
            + what
            + ": HTTP "
            + a.status()
            + (code.isEmpty() ? "" : " " + code)
            + hint(code));
  }

  private static String hint(String code) {
    return switch (code) {
      case "unauthenticated" -> " (check AGENT_INJECT_SECRET_FILE)";
      case "not_inject_user" -> " (AGENT_INJECT_PROXY_USER is not in the proxy's inject.users)";
      case "user_busy" -> " (another run of this proxy user is registered: one at a time)";
      default -> "";
    };
  }
}
