package dev.agentbroker.sandbox.internal.caller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.host.Bounded;
import dev.agentbroker.sandbox.internal.settings.CallerSource;
import dev.agentbroker.sandbox.internal.settings.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Produces the caller JWT for one broker request: the file is re-read and the command re-run on
 * every use, so a rotated or refreshed credential is always the one sent. The JWT is checked for
 * shape and, without verifying it (that is the broker's job), for an {@code exp} in the past, so an
 * expired credential is named locally instead of as a bare 401. Errors never echo the JWT.
 */
public final class CallerCredentials implements Supplier<String> {
  static final int MAX_BYTES = 64 * 1024;
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern JWT =
      Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CallerSource source;
  private final Clock clock;

  public CallerCredentials(CallerSource source, Clock clock) {
    this.source = source;
    this.clock = clock;
  }

  /** A fresh caller JWT; throws {@link AgentException} (66, or 67 when expired). */
  @Override
  public String get() {
    String text =
        source instanceof CallerSource.File f
            ? readFile(f)
            : runCommand((CallerSource.Command) source);
    String where = origin();
    if (!JWT.matcher(text).matches()) {
      throw new AgentException(
          ExitCode.CALLER_CREDENTIAL, where + " does not hold a JWT (header.payload.signature)");
    }
    Instant exp = expiry(text);
    if (exp != null && !exp.isAfter(clock.instant())) {
      throw new AgentException(
          ExitCode.UNAUTHENTICATED,
          "the caller JWT from " + where + " expired at " + exp + "; get a fresh one");
    }
    return text;
  }

  /** Which setting the credential came from, for messages. */
  public String origin() {
    return source instanceof CallerSource.File f
        ? Settings.CALLER_TOKEN_FILE + " (" + f.path() + ")"
        : Settings.CALLER_TOKEN_COMMAND;
  }

  private String readFile(CallerSource.File f) {
    try {
      if (Files.size(f.path()) > MAX_BYTES) {
        throw new AgentException(ExitCode.CALLER_CREDENTIAL, origin() + " is larger than 64 KiB");
      }
      return Files.readString(f.path(), StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      throw new AgentException(ExitCode.CALLER_CREDENTIAL, origin() + " does not exist");
    } catch (IOException e) {
      throw new AgentException(
          ExitCode.CALLER_CREDENTIAL,
          origin() + " cannot be read: " + e.getClass().getSimpleName());
    }
  }

  private String runCommand(CallerSource.Command c) {
    ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", c.command()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    try {
      Process p = pb.start();
      Bounded.Outcome o = Bounded.await(p, MAX_BYTES + 1, COMMAND_TIMEOUT.toSeconds());
      if (o.timedOut()) {
        throw new AgentException(
            ExitCode.CALLER_CREDENTIAL, origin() + " did not finish within 30 s");
      }
      if (o.exit() != 0) {
        throw new AgentException(
            ExitCode.CALLER_CREDENTIAL, origin() + " exited with status " + o.exit());
      }
      byte[] out = o.output();
      if (out.length > MAX_BYTES) {
        throw new AgentException(
            ExitCode.CALLER_CREDENTIAL, origin() + " printed more than 64 KiB");
      }
      return new String(out, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new AgentException(
          ExitCode.CALLER_CREDENTIAL, origin() + " could not be started: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException(ExitCode.CALLER_CREDENTIAL, origin() + " was interrupted");
    }
  }

  /** The unverified {@code exp} claim, or null when absent or unreadable (the broker decides). */
  static Instant expiry(String jwt) {
    try {
      String payload = jwt.substring(jwt.indexOf('.') + 1, jwt.lastIndexOf('.'));
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(payload));
      JsonNode exp = claims == null ? null : claims.get("exp");
      return exp != null && exp.canConvertToLong() ? Instant.ofEpochSecond(exp.asLong()) : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }
}
