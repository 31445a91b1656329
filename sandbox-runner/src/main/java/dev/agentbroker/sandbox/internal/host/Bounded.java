package dev.agentbroker.sandbox.internal.host;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * A child's output read on its own thread, so the timeout on the child holds even when it never
 * closes its output (reading first and waiting after would block for as long as the child runs).
 */
public final class Bounded {
  private Bounded() {}

  /** The child's exit and output; {@code exit} is -1 when it was killed at the timeout. */
  public record Outcome(int exit, byte[] output, boolean timedOut) {}

  /** Reads at most {@code maxBytes} of {@code p}'s stdout while waiting up to {@code seconds}. */
  public static Outcome await(Process p, int maxBytes, long seconds) throws InterruptedException {
    byte[][] out = {new byte[0]};
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = p.getInputStream()) {
                out[0] = in.readNBytes(maxBytes);
                in.transferTo(java.io.OutputStream.nullOutputStream()); // never block the child
              } catch (IOException e) {
                // the child died; what was read stays
              }
            },
            "agent-child-output");
    reader.setDaemon(true);
    reader.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      reader.join(1000);
      return new Outcome(-1, out[0], true);
    }
    reader.join(1000);
    return new Outcome(p.exitValue(), out[0], false);
  }
}
