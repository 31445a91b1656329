package dev.agentbroker.sandbox.internal.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/** What a command needs from its surroundings; tests pass their own. */
public record Context(
    Map<String, String> env, InputStream in, PrintStream out, PrintStream err, Clock clock) {}
