package dev.agentbroker.egress.internal;

import java.util.concurrent.ThreadFactory;

/** The proxy's helper threads: named for thread dumps, and daemons so they never hold exit. */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
