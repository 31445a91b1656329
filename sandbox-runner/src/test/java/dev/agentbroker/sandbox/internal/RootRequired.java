package dev.agentbroker.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.sandbox.internal.host.Host;

/**
 * Tests that drive real network namespaces, nftables, cgroups or bubblewrap as root fail loudly
 * (never skip) when a prerequisite is missing: ./run-tests installs the packages and CI runs as
 * root.
 */
public final class RootRequired {
  private RootRequired() {}

  public static void check(String... programs) {
    assertTrue(
        Host.isRoot(),
        "this test drives network namespaces, nftables and cgroups: run ./run-tests as root");
    for (String p : programs) {
      assertTrue(
          Host.which(p).isPresent(),
          p
              + " is not installed: ./run-tests installs it (apt-get install bubblewrap nftables iproute2 podman runc)");
    }
  }
}
