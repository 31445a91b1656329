package dev.agentbroker.testkit.git;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/**
 * The response side of one exchange. The request is recorded the moment its status is decided,
 * before the head goes out: a client that has read the whole response may look at {@code
 * requests()} at once, and recording after the last byte would race with it.
 */
final class Reply {
  private final HttpExchange ex;
  private final IntConsumer onStatus;
  private boolean sent;

  Reply(HttpExchange ex, IntConsumer onStatus) {
    this.ex = ex;
    this.onStatus = onStatus;
  }

  HttpExchange exchange() {
    return ex;
  }

  /** Whether the status line has been decided (and recorded). */
  boolean sent() {
    return sent;
  }

  /** Records {@code status}, then sends the head; {@code length} as in sendResponseHeaders. */
  void head(int status, long length) throws IOException {
    if (sent) {
      throw new IllegalStateException("response head already sent");
    }
    sent = true;
    onStatus.accept(status);
    ex.sendResponseHeaders(status, length);
  }

  /** A text/plain answer; git shows such bodies to the user as {@code remote: ...} lines. */
  int text(int status, String message) throws IOException {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    head(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
    return status;
  }
}
