package dev.agentbroker.broker.breakglass.signin;

import dev.agentbroker.broker.state.StateUnavailableException;
import dev.agentbroker.tierb.breakglass.Human;
import java.util.Optional;

/**
 * Server-side state of the page's sign-in: sign-ins in progress and sessions, keyed by the SHA-256
 * of the cookie value (the state never holds a value a browser could present). {@link Sessions}
 * keeps them in memory (one replica); {@link RedisSessions} in the shared Redis, so a session made
 * on one replica is valid on every other. A store that cannot answer throws: the caller refuses
 * ({@code 503 state_unavailable}), never treats the browser as signed in.
 */
public interface SessionStore {
  /** Starts a sign-in; returns the cookie value that binds it to this browser. */
  String begin(Sessions.PendingSignIn p) throws StateUnavailableException;

  /** Takes the sign-in bound to {@code handle}, once; empty if unknown or older than 10 min. */
  Optional<Sessions.PendingSignIn> finish(String handle) throws StateUnavailableException;

  /** Creates a session; returns its cookie value, or empty when no more sessions are allowed. */
  Optional<String> create(Human h) throws StateUnavailableException;

  /** The live session for {@code cookie}, its idle clock restarted; empty if none or ended. */
  Optional<Sessions.Session> touch(String cookie) throws StateUnavailableException;

  /** Ends the session for {@code cookie}, if any. */
  void end(String cookie) throws StateUnavailableException;
}
