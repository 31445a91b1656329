package dev.agentbroker.broker.ratelimit;

import dev.agentbroker.testkit.redis.RedisServer;

/**
 * A real Redis for the tests: the one {@code .ci/run} started ({@code REDIS_URL}), else a private
 * {@code redis-server} on a free loopback port ({@link RedisServer}). Without {@code redis-server}
 * the tests fail with instructions; they are never skipped, since the shared state is only proven
 * against the real thing.
 */
public final class TestRedis implements AutoCloseable {
  private static TestRedis shared;

  private final String url;
  private final int port;
  private final RedisServer server;

  private TestRedis(String url, int port, RedisServer server) {
    this.url = url;
    this.port = port;
    this.server = server;
  }

  /** One Redis for the whole test JVM: {@code REDIS_URL} when set, else started once. */
  public static synchronized TestRedis shared() {
    if (shared == null) {
      String env = System.getenv("REDIS_URL");
      if (env != null && !env.isBlank()) {
        shared = new TestRedis(env, -1, null);
      } else {
        shared = startOwn();
        TestRedis s = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
      }
    }
    return shared;
  }

  /** A private server (the caller stops it), for tests that take Redis down. */
  public static TestRedis startOwn() {
    return startOn(freePort());
  }

  /** A private server on {@code port}, e.g. to bring a stopped one back at the same address. */
  public static TestRedis startOn(int port) {
    RedisServer s = RedisServer.startOn(port);
    return new TestRedis(s.url(), port, s);
  }

  public String url() {
    return url;
  }

  public int port() {
    return port;
  }

  /** The server this class started (empty for {@code REDIS_URL}'s), e.g. to dump its keys. */
  public java.util.Optional<RedisServer> server() {
    return java.util.Optional.ofNullable(server);
  }

  /** A port nothing listens on (bound then released): connections are refused at once. */
  public static int freePort() {
    return RedisServer.freePort();
  }

  /** Stops a server this class started (never the one {@code REDIS_URL} names). */
  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
