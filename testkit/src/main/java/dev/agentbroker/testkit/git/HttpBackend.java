package dev.agentbroker.testkit.git;

import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code git http-backend} CGI for one authorised request and relays its answer.
 *
 * <p>The request body is first spooled to a file: that enforces the size limit (413) before git
 * sees a byte, lets the child read its stdin from the file so no pump thread is needed and no pipe
 * can deadlock against stdout, and gives the CGI the {@code CONTENT_LENGTH} RFC 3875 promises even
 * when git sent the body chunked (the JDK server de-chunks it but cannot know its length up front).
 * git 2.39's http-backend would also read an unannounced body to EOF; other versions and CGI
 * wrappers are less forgiving. The CGI's stdout is parsed for headers ({@code Status:} and the
 * rest) and the body streamed back.
 */
final class HttpBackend {
  /** A runaway or stuck git is killed after this long. */
  static final long TIMEOUT_SECONDS = 300;

  /** CGI header section limit; http-backend sends a few hundred bytes. */
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  /** Headers the JDK server manages itself; copying them would contradict its framing. */
  private static final Set<String> HOP_BY_HOP =
      Set.of("status", "content-length", "transfer-encoding", "connection");

  private final BareRepos repos;
  private final long maxBodyBytes;
  private final Path spool;
  private final Path log;
  private final ScheduledExecutorService watchdog;
  private final Set<Process> running = ConcurrentHashMap.newKeySet();

  HttpBackend(BareRepos repos, long maxBodyBytes, ScheduledExecutorService watchdog)
      throws IOException {
    this.repos = repos;
    this.maxBodyBytes = maxBodyBytes;
    this.spool = Files.createDirectories(repos.home.resolve("spool"));
    this.log = repos.home.resolve("http-backend.log");
    this.watchdog = watchdog;
  }

  /** git http-backend's stderr, appended across requests; never contains credentials. */
  Path log() {
    return log;
  }

  /** Answers the request; returns the status sent. */
  int serve(Reply reply, GitRoute route, String canonical, String remoteUser) throws IOException {
    Path body = null;
    try {
      if (!route.advertisement()) {
        body = spoolBody(reply.exchange());
        if (body == null) {
          return reply.text(413, "Request body too large.");
        }
      }
      return run(reply, route, canonical, remoteUser, body);
    } finally {
      if (body != null) {
        Files.deleteIfExists(body);
      }
    }
  }

  /** The body in a spool file, or null when it exceeds the limit (declared or actual). */
  private Path spoolBody(HttpExchange ex) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.strip()) > maxBodyBytes) {
          return null;
        }
      } catch (NumberFormatException e) {
        return null;
      }
    }
    Path file = Files.createTempFile(spool, "body-", ".bin");
    long total = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = ex.getRequestBody();
        OutputStream out = Files.newOutputStream(file)) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        total += n;
        if (total > maxBodyBytes) {
          Files.deleteIfExists(file);
          return null;
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    return file;
  }

  private int run(Reply reply, GitRoute route, String canonical, String user, Path body)
      throws IOException {
    HttpExchange ex = reply.exchange();
    ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(repos.baseEnvironment());
    env.put("GIT_PROJECT_ROOT", repos.root.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("GATEWAY_INTERFACE", "CGI/1.1");
    env.put("SERVER_PROTOCOL", "HTTP/1.1");
    env.put("REQUEST_METHOD", ex.getRequestMethod());
    env.put("PATH_INFO", route.pathInfo(canonical));
    env.put("QUERY_STRING", route.queryString());
    env.put("REMOTE_USER", user);
    env.put("REMOTE_ADDR", ex.getRemoteAddress().getAddress().getHostAddress());
    putHeader(env, "CONTENT_TYPE", ex, "Content-Type");
    putHeader(env, "HTTP_CONTENT_ENCODING", ex, "Content-Encoding");
    putHeader(env, "GIT_PROTOCOL", ex, "Git-Protocol");
    if (body != null) {
      env.put("CONTENT_LENGTH", Long.toString(Files.size(body)));
      pb.redirectInput(body.toFile());
    }
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.directory(repos.home.toFile());
    Process p = pb.start();
    running.add(p);
    ScheduledFuture<?> watch = watchdog.schedule(() -> kill(p), TIMEOUT_SECONDS, TimeUnit.SECONDS);
    boolean exited = false;
    try {
      if (body == null) {
        p.getOutputStream().close();
      }
      int status;
      try (InputStream out = new BufferedInputStream(p.getInputStream())) {
        status = relay(reply, out);
      }
      // EOF on stdout comes just before exit; waiting keeps receive-pack's last steps (ref
      // updates are already done, auto-gc may follow) from being cut short by the kill below.
      exited = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return status;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for git http-backend", e);
    } finally {
      watch.cancel(false);
      if (!exited) {
        // The client went away or git misbehaved: stop it and whatever it started.
        kill(p);
      }
      running.remove(p);
    }
  }

  /** http-backend runs upload-pack/receive-pack as children; those must die with it. */
  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static void putHeader(Map<String, String> env, String var, HttpExchange ex, String h) {
    String v = ex.getRequestHeaders().getFirst(h);
    if (v != null && !v.isEmpty() && v.indexOf('\0') < 0) {
      env.put(var, v);
    }
  }

  /** Parses the CGI header section, sends it as the HTTP response head, streams the body. */
  private static int relay(Reply reply, InputStream cgi) throws IOException {
    HttpExchange ex = reply.exchange();
    int status = 200;
    long length = 0; // 0 tells the JDK server to send the body chunked
    boolean declaredEmpty = false;
    int headerBytes = 0;
    for (String line; !(line = readLine(cgi)).isEmpty(); ) {
      headerBytes += line.length();
      if (headerBytes > MAX_HEADER_BYTES) {
        throw new IOException("CGI header section too large");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed CGI header line");
      }
      String name = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("status")) {
        status = Integer.parseInt(value.split(" ", 2)[0]);
      } else if (lower.equals("content-length")) {
        length = Long.parseLong(value);
        declaredEmpty = length == 0;
      }
      if (!HOP_BY_HOP.contains(lower)) {
        ex.getResponseHeaders().add(name, value);
      }
    }
    boolean noBody = status == 204 || status == 304 || declaredEmpty;
    reply.head(status, noBody ? -1 : length);
    if (!noBody) {
      try (OutputStream body = ex.getResponseBody()) {
        cgi.transferTo(body);
      }
    }
    return status;
  }

  /**
   * One header line without its CR LF, empty at the blank line that ends the headers. EOF before
   * that blank line is an error: the CGI died before answering.
   */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        if (line.size() == 0) {
          throw new IOException("git http-backend ended without a response");
        }
        break;
      }
      if (line.size() > MAX_HEADER_BYTES) {
        throw new IOException("CGI header line too long");
      }
      line.write(b);
    }
    String s = line.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /** Kills every git still running, for {@link GitHttpHost#close()}. */
  void stopAll() {
    for (Process p : running) {
      kill(p);
    }
  }
}
