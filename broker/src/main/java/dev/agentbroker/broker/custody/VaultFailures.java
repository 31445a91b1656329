package dev.agentbroker.broker.custody;

import io.quarkus.vault.client.VaultClientException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns quarkus-vault failures into one safe sentence. OpenBao's error strings never echo tokens,
 * but exception chains can carry request details, so only status, operation and the first error
 * (bounded) are kept — never a message from an unknown cause.
 */
final class VaultFailures {
  private static final int MAX_ERROR = 160;

  private VaultFailures() {}

  static String describe(Throwable t, String baseUrl) {
    Throwable e = unwrap(t);
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof VaultClientException v) {
        List<String> errors = v.getErrors();
        String first = errors == null || errors.isEmpty() ? "" : errors.get(0);
        if (first.length() > MAX_ERROR) {
          first = first.substring(0, MAX_ERROR);
        }
        return "OpenBao answered "
            + v.getStatus()
            + " to "
            + v.getOperationName()
            + (first.isEmpty() ? "" : ": " + first);
      }
      if (c instanceof HttpTimeoutException || c instanceof TimeoutException) {
        return "OpenBao at " + baseUrl + " did not answer in time";
      }
      if (c instanceof IOException) {
        return "OpenBao unreachable at " + baseUrl + " (" + c.getClass().getSimpleName() + ")";
      }
    }
    return "OpenBao call failed (" + e.getClass().getSimpleName() + ")";
  }

  static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
