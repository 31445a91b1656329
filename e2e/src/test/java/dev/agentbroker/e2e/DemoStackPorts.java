package dev.agentbroker.e2e;

import java.io.IOException;
import java.net.ServerSocket;

/** A free loopback port for the broker. */
final class DemoStackPorts {
  private DemoStackPorts() {}

  static int free() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
