package dev.agentbroker.testkit.bench;

import io.jsonwebtoken.Jwts;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The benchmark baseline: the physical floor of one extra HTTP hop. It accepts {@code POST /token}
 * and forwards the body, unchanged and unchecked, to the simulator's mint endpoint with one App JWT
 * signed at start-up — no caller authentication, no policy, no journal. Vert.x event loops on both
 * sides, so the baseline is as cheap as a hop gets on the JVM.
 *
 * <p>Usage: {@code PassThroughHop <port> <simulator-url> <app-key.pem> <installation-id>}
 */
public final class PassThroughHop {
  private PassThroughHop() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    URI sim = URI.create(args[1]);
    PrivateKey key = readKey(Path.of(args[2]));
    String path = "/app/installations/" + args[3] + "/access_tokens";
    Instant now = Instant.now();
    String jwt =
        "Bearer "
            + Jwts.builder()
                .issuer("424242")
                .issuedAt(Date.from(now.minusSeconds(60)))
                .expiration(Date.from(now.plusSeconds(540)))
                .signWith(key, Jwts.SIG.RS256)
                .compact();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(128));
    HttpServer server = vertx.createHttpServer();
    server.requestHandler(
        req ->
            req.body()
                .onSuccess(
                    body ->
                        client
                            .request(
                                new RequestOptions()
                                    .setMethod(HttpMethod.POST)
                                    .setHost(sim.getHost())
                                    .setPort(sim.getPort())
                                    .setURI(path)
                                    .putHeader("Authorization", jwt)
                                    .putHeader("User-Agent", "pass-through-hop")
                                    .putHeader("Accept", "application/vnd.github+json")
                                    .putHeader("X-GitHub-Api-Version", "2022-11-28")
                                    .putHeader("Content-Type", "application/json"))
                            .compose(
                                r ->
                                    r.send(body)
                                        .compose(
                                            resp ->
                                                resp.body()
                                                    .map(b -> new Object[] {resp.statusCode(), b})))
                            .onSuccess(
                                o ->
                                    req.response()
                                        .setStatusCode((Integer) o[0])
                                        .putHeader("Content-Type", "application/json")
                                        .end((Buffer) o[1]))
                            .onFailure(e -> req.response().setStatusCode(502).end())));
    server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    System.out.println("READY http://127.0.0.1:" + port);
  }

  private static PrivateKey readKey(Path pem) throws Exception {
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(pem)))) {
      return new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) p.readObject()).getPrivate();
    }
  }
}
