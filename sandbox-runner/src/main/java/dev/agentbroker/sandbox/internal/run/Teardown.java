package dev.agentbroker.sandbox.internal.run;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.internal.broker.BrokerClient;
import dev.agentbroker.sandbox.internal.broker.Lease;
import dev.agentbroker.sandbox.internal.credential.CredentialEndpoint;
import dev.agentbroker.sandbox.internal.credential.TokenCache;
import dev.agentbroker.sandbox.internal.net.SandboxNetwork;
import dev.agentbroker.sandbox.internal.runtime.CgroupLimits;
import java.util.List;

/**
 * Everything a run must undo, registered as it is created and undone once, in this order: stop the
 * sandbox, revoke every token (promptly: the sandbox is gone, nothing may use them), then the
 * credential endpoint, the network namespace and firewall (concurrently with the revocations), the
 * cgroups and the helper files. Runs from the normal path, from errors and from the JVM's shutdown
 * hook (Ctrl-C, SIGTERM), whichever comes first.
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
  private boolean done;
  private int revoked;
  private int leases;

  Teardown(BrokerClient broker, RunLog log) {
    this.broker = broker;
    this.log = log;
  }

  synchronized void supervisor(Supervisor s) {
    supervisor = s;
  }

  synchronized void tokens(TokenCache c) {
    tokens = c;
  }

  synchronized void endpoint(CredentialEndpoint e) {
    endpoint = e;
  }

  synchronized void network(SandboxNetwork n) {
    network = n;
  }

  synchronized void cgroups(CgroupLimits c) {
    cgroups = c;
  }

  synchronized void files(HelperFiles f) {
    files = f;
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
    if (supervisor != null) {
      supervisor.stop();
    }
    if (endpoint != null) {
      endpoint.close();
    }
    // The namespace and firewall go away while the tokens are revoked: both only wait on other
    // processes (ip, nft; the broker), and the sandbox that could use either is already gone.
    Thread net = null;
    if (network != null) {
      net = new Thread(network::close, "agent-network-teardown");
      net.start();
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
          log.warn(
              "could not revoke "
                  + l.leaseId()
                  + " (expires "
                  + l.expiresAt()
                  + "): "
                  + e.getMessage());
        }
      }
    }
    if (net != null) {
      try {
        net.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
