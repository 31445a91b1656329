package dev.agentbroker.sandbox.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP exchange for the CLI's two peers (the broker, GitHub) over {@link HttpURLConnection}: a
 * CLI pays for every class it loads, and the JDK's HttpClient costs ~150 ms of start-up per process
 * (its selector thread and executor) for no gain on a handful of sequential calls. No proxy (both
 * peers are addressed directly), no redirects (a redirect could carry a credential elsewhere),
 * bodies capped at 1 MiB, and not streaming (in streaming mode a 401 surfaces as an exception
 * without its body).
 */
public final class JsonHttp {
  static final String USER_AGENT = "agent-broker-sandbox-runner/0.1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonHttp() {}

  /** The answer: status, body, and {@code Retry-After} ("" when absent). */
  public record Response(int status, String body, String retryAfter) {}

  /** The peer could not be reached or did not answer; {@link #getMessage()} says which. */
  public static final class Unreachable extends IOException {
    private static final long serialVersionUID = 1L;

    Unreachable(String why) {
      super(why, null);
    }
  }

  /** The answer's body as a JSON object; empty when it is not JSON or not an object. */
  public static Optional<JsonNode> object(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Sends {@code method url} with {@code headers} and, when not null, a JSON body. */
  public static Response exchange(
      URI url,
      String method,
      Map<String, String> headers,
      String jsonBody,
      Duration connectTimeout,
      Duration readTimeout)
      throws Unreachable {
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) url.toURL().openConnection(Proxy.NO_PROXY);
      c.setInstanceFollowRedirects(false);
      c.setConnectTimeout((int) connectTimeout.toMillis());
      c.setReadTimeout((int) readTimeout.toMillis());
      c.setRequestMethod(method);
      c.setRequestProperty("User-Agent", USER_AGENT);
      headers.forEach(c::setRequestProperty);
      if (jsonBody != null) {
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
          out.write(jsonBody.getBytes(StandardCharsets.UTF_8));
        }
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String text = "";
      if (in != null) {
        try (in) {
          text = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        }
      }
      String retry = c.getHeaderField("Retry-After");
      return new Response(status, text, retry == null ? "" : retry);
    } catch (ConnectException e) {
      throw new Unreachable("connection refused");
    } catch (SocketTimeoutException e) {
      throw new Unreachable(
          e.getMessage() != null && e.getMessage().contains("connect")
              ? "connection timed out"
              : "no answer within " + readTimeout.toSeconds() + " s");
    } catch (Unreachable e) {
      throw e;
    } catch (IOException e) {
      throw new Unreachable(
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }

  /**
   * A peer's text made safe for one terminal line: every ISO control character (C0 and C1, so no
   * escape sequence) becomes a space, and it is capped at 200 characters. Used for the broker's and
   * GitHub's messages alike.
   */
  public static String printable(String s) {
    String t =
        s.codePoints()
            .map(c -> Character.isISOControl(c) ? ' ' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    return t.length() > 200 ? t.substring(0, 200) + "…" : t;
  }
}
