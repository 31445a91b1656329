package dev.agentbroker.sandbox.internal.run;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.internal.broker.BrokerClient;
import dev.agentbroker.sandbox.internal.broker.Lease;
import dev.agentbroker.sandbox.internal.credential.CredentialEndpoint;
import dev.agentbroker.sandbox.internal.credential.TokenCache;
import dev.agentbroker.sandbox.internal.inject.InjectClient;
import dev.agentbroker.sandbox.internal.net.SandboxNetwork;
import dev.agentbroker.sandbox.internal.runtime.CgroupLimits;
import java.util.List;

/**
 * Everything a run must undo, registered as it is created and undone once, in this order: close the
 * credential endpoint, revoke every token (or unregister the injected run at the egress proxy,
 * which revokes the proxy's token) while the sandbox is being stopped, then the network namespace
 * and firewall, the cgroups and the helper files. Something registered after the teardown ran (a
 * signal during set-up) is undone at once. Runs from the normal path, from errors and from the
 * JVM's shutdown hook (Ctrl-C, SIGTERM), whichever comes first.
 */
final class Teardown {
  private final BrokerClient broker;
  private final RunLog log;
  private Supervisor supervisor;
  private TokenCache tokens;
  private CredentialEndpoint endpoint;
  private SandboxNetwork network;
  private CgroupLimits cgroups;
  private HelperFiles files;
  private InjectClient inject;
  private String injectedRun;
  private boolean unregistered;
  private boolean done;
  private int revoked;
  private int leases;

  Teardown(BrokerClient broker, RunLog log) {
    this.broker = broker;
    this.log = log;
  }

  synchronized void supervisor(Supervisor s) {
    supervisor = s;
    if (done) {
      s.stop();
    }
  }

  synchronized void tokens(TokenCache c) {
    tokens = c;
    if (done) {
      c.close();
    }
  }

  /** A run registered at the egress proxy ({@code --inject}): unregistered however the run ends. */
  synchronized void injected(InjectClient c, String runId) {
    inject = c;
    injectedRun = runId;
    if (done) {
      unregister();
    }
  }

  synchronized boolean unregistered() {
    return unregistered;
  }

  private void unregister() {
    try {
      boolean known = inject.unregister(injectedRun);
      unregistered = true;
      log.unregistered(known ? "unregistered" : "unknown_run");
    } catch (AgentException e) {
      // The proxy still ends the run at its expiry (and revokes its token); say so loudly.
      log.unregistered("error");
      log.warn(
          "could not unregister the run at the egress proxy (it ends at its expiry): "
              + e.getMessage());
    }
  }

  synchronized void endpoint(CredentialEndpoint e) {
    endpoint = e;
    if (done) {
      e.close();
    }
  }

  synchronized void network(SandboxNetwork n) {
    network = n;
    if (done) {
      n.close();
    }
  }

  synchronized void cgroups(CgroupLimits c) {
    cgroups = c;
    if (done) {
      c.close();
    }
  }

  synchronized void files(HelperFiles f) {
    files = f;
    if (done) {
      f.close();
    }
  }

  synchronized int revoked() {
    return revoked;
  }

  synchronized int leases() {
    return leases;
  }

  synchronized void run(String why) {
    if (done) {
      return;
    }
    done = true;
    if (endpoint != null) {
      endpoint.close(); // no new token from here on
    }
    // Revoke while the sandbox is being stopped, not after: a runner cancelling a job sends
    // SIGTERM and kills the launcher about ten seconds later, which a container's grace period
    // could otherwise use up before a single token is revoked.
    Thread stopper = null;
    if (supervisor != null) {
      stopper = new Thread(supervisor::stop, "agent-sandbox-stop");
      stopper.start();
    }
    if (tokens != null) {
      List<Lease> all = tokens.close();
      leases = all.size();
      for (Lease l : all) {
        try {
          BrokerClient.RevokeOutcome o = broker.revoke(l.leaseId());
          log.revoked(l, o == BrokerClient.RevokeOutcome.REVOKED ? "revoked" : "unknown_lease");
          revoked += o == BrokerClient.RevokeOutcome.REVOKED ? 1 : 0;
        } catch (AgentException e) {
          // The token still dies at its expiry; say so loudly, with what to look up.
          log.revoked(l, "error");
          log.revokeFailed(l, e.getMessage());
        }
      }
    }
    if (inject != null) {
      unregister();
    }
    if (stopper != null) {
      try {
        stopper.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (network != null) {
      network.close(); // after the sandbox is gone; kills anything left in the namespace first
    }
    if (cgroups != null) {
      cgroups.close();
    }
    if (files != null) {
      files.close();
    }
    if ("interrupted".equals(why)) {
      log.ended("interrupted", -1, revoked, leases, 0);
    }
  }
}
