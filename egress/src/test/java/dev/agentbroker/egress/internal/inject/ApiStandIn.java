package dev.agentbroker.egress.internal.inject;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.agentbroker.testkit.github.GitHubSimulator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS stand-in for api.github.com's repository endpoint: {@code GET /repos/OWNER/NAME} answers
 * 200 only for a live simulator installation token ({@code Bearer} or {@code token}) that reaches
 * the repository, 401 without a live token, 404 otherwise — GitHub's behaviour for a token that
 * cannot see a repository. Records every {@code Authorization} value it received.
 */
final class ApiStandIn implements AutoCloseable {
  private static final Pattern REPO = Pattern.compile("/repos/([^/]+)/([^/]+)");

  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final List<String> paths = new CopyOnWriteArrayList<>();
  private final HttpsServer server;
  private final GitHubSimulator sim;

  ApiStandIn(GitHubSimulator sim, CertificateAuthority ca) throws Exception {
    this.sim = sim;
    KeyPair keys = ca.leafKeys("api.github.com");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(
        "leaf",
        keys.getPrivate(),
        new char[0],
        new Certificate[] {ca.leaf("api.github.com"), ca.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String auth = x.getRequestHeaders().getFirst("Authorization");
      authorizations.add(auth == null ? "-" : auth);
      paths.add(x.getRequestMethod() + " " + x.getRequestURI());
      x.getRequestBody().readAllBytes();
      Matcher m = REPO.matcher(x.getRequestURI().getPath());
      String token = auth == null ? null : auth.replaceFirst("^(Bearer|token) ", "");
      if (token == null || token.equals(auth) || !sim.isTokenActive(token)) {
        send(x, 401, "{\"message\":\"Bad credentials\"}");
      } else if (!m.matches()
          || !x.getRequestMethod().equals("GET")
          || sim.contentsAccess(token, m.group(1), m.group(2)).isEmpty()) {
        send(x, 404, "{\"message\":\"Not Found\"}");
      } else {
        send(x, 200, "{\"full_name\":\"" + m.group(1) + "/" + m.group(2) + "\"}");
      }
    }
  }

  private static void send(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
