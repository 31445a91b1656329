package dev.agentbroker.egress.internal.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The broker's Tier A API as the proxy uses it: {@code POST /token} with the proxy's own caller JWT
 * (re-read from its file for every call, so it can be rotated underneath) for a run's scope, and
 * {@code DELETE /token/{lease}} when the run ends. Blocking: called on the injector's worker
 * threads, never on an event loop.
 */
public final class BrokerTokens implements TokenSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LEASE_ID = Pattern.compile("lease_[0-9a-f]{32}");

  private final URI base;
  private final Path jwtFile;
  private final HttpClient http;

  public BrokerTokens(URI base, Path jwtFile, Optional<Path> caFile) {
    this.base = base;
    this.jwtFile = jwtFile;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    caFile.ifPresent(f -> b.sslContext(trusting(f)));
    this.http = b.build();
  }

  @Override
  public Lease mint(Grant grant) throws MintException {
    ObjectNode body = JSON.createObjectNode();
    body.put("owner", grant.owner());
    grant.repositories().forEach(body.putArray("repositories")::add);
    ObjectNode perms = body.putObject("permissions");
    grant.permissions().forEach(perms::put);
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(base.resolve("/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    if (r.statusCode() != 201) {
      throw new MintException(problemCode(r));
    }
    try {
      JsonNode n = JSON.readTree(r.body());
      String token = n.path("token").asText("");
      String lease = n.path("lease_id").asText("");
      Instant expires = Instant.parse(n.path("expires_at").asText(""));
      if (token.isEmpty() || !LEASE_ID.matcher(lease).matches()) {
        throw new MintException("bad_answer");
      }
      return new Lease(token, lease, expires);
    } catch (IOException | DateTimeParseException e) {
      throw new MintException("bad_answer");
    }
  }

  @Override
  public boolean revoke(String leaseId) {
    try {
      HttpResponse<String> r =
          send(HttpRequest.newBuilder(base.resolve("/token/" + leaseId)).DELETE());
      // 404: the broker no longer knows the lease (it already ended).
      return r.statusCode() == 204 || r.statusCode() == 404;
    } catch (MintException e) {
      return false;
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws MintException {
    String jwt;
    try {
      jwt = Files.readString(jwtFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new MintException("caller_jwt_unreadable");
    }
    try {
      return http.send(
          b.header("Authorization", "Bearer " + jwt)
              .header("Accept", "application/json")
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new MintException("broker_unreachable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MintException("interrupted");
    }
  }

  /** The problem document's stable {@code code}, or {@code http_<status>}; never the text. */
  private static String problemCode(HttpResponse<String> r) {
    try {
      String code = JSON.readTree(r.body()).path("code").asText("");
      if (code.matches("[a-z_]{1,40}")) {
        return code;
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: fall through
    }
    return "http_" + r.statusCode();
  }

  private static SSLContext trusting(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca" + i++, (X509Certificate) c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read CA file " + pem + ": " + e.getMessage(), e);
    }
  }
}
