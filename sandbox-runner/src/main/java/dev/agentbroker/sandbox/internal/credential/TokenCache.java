package dev.agentbroker.sandbox.internal.credential;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.broker.Lease;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The run's current token: reused while it has more than {@link #REUSE_MARGIN} left, re-minted
 * otherwise, so a git session keeps working past GitHub's one-hour token lifetime. Every lease it
 * ever minted is remembered so the run can revoke them all at its end; after {@link #close()} it
 * mints nothing more. Thread-safe: the credential endpoint may ask from several connections.
 */
public final class TokenCache {
  /** Re-mint when less than this is left (a git push must not start with a dying token). */
  public static final Duration REUSE_MARGIN = Duration.ofMinutes(10);

  /**
   * A sandbox can force re-mints (get, erase, get, …): at most one every {@link #MIN_INTERVAL} and
   * {@link #MAX_MINTS} per run, so it cannot pile up live tokens or load the broker. A real git
   * session needs one mint an hour, plus one after a rejected token.
   */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

  public static final int MAX_MINTS = 30;

  private final Supplier<Lease> minter;
  private final Clock clock;
  private final List<Lease> issued = new ArrayList<>();
  private Lease current;
  private java.time.Instant lastMint;
  private boolean closed;

  public TokenCache(Supplier<Lease> minter, Clock clock) {
    this.minter = minter;
    this.clock = clock;
  }

  /** The outcome of one {@link #get()}: the lease and whether it was minted for this call. */
  public record Answer(Lease lease, boolean minted) {}

  /** The current token, minting a new one when none is left or it is within the margin. */
  public synchronized Answer get() {
    if (closed) {
      throw new AgentException(ExitCode.SANDBOX_FAILED, "the run has ended; no more tokens");
    }
    if (current != null
        && Duration.between(clock.instant(), current.expiresAt()).compareTo(REUSE_MARGIN) > 0) {
      return new Answer(current, false);
    }
    if (issued.size() >= MAX_MINTS) {
      throw new AgentException(
          ExitCode.BROKER_REFUSED, "this run already minted " + MAX_MINTS + " tokens");
    }
    if (lastMint != null
        && Duration.between(lastMint, clock.instant()).compareTo(MIN_INTERVAL) < 0) {
      throw new AgentException(
          ExitCode.BROKER_REFUSED,
          "a token was minted less than " + MIN_INTERVAL.toSeconds() + " s ago");
    }
    current = minter.get();
    lastMint = clock.instant();
    issued.add(current);
    return new Answer(current, true);
  }

  /**
   * git said the token was rejected: forget it (if it is the current one) so the next get re-mints.
   */
  public synchronized boolean erase(String token) {
    if (current != null && current.token().equals(token)) {
      current = null;
      return true;
    }
    return false;
  }

  /** Stops minting and returns every lease issued, for revocation. */
  public synchronized List<Lease> close() {
    closed = true;
    current = null;
    return List.copyOf(issued);
  }

  public synchronized int mints() {
    return issued.size();
  }
}
