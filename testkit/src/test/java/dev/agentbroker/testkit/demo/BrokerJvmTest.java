package dev.agentbroker.testkit.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerJvmTest {
  private static final Path JAR = Path.of("broker/target/quarkus-app/quarkus-run.jar");

  @Test
  void theDefaultCapsTheHeapUsesTheSerialCollectorAndExitsOnOutOfMemory() {
    assertEquals(
        List.of(
            "java",
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError",
            "-jar",
            JAR.toString()),
        BrokerJvm.command(JAR, Map.of()));
  }

  @Test
  void theEnvVarReplacesTheDefault() {
    assertEquals(
        List.of("java", "-Xmx1g", "-XX:+UseSerialGC", "-jar", JAR.toString()),
        BrokerJvm.command(JAR, Map.of("BROKER_JAVA_OPTS", "  -Xmx1g   -XX:+UseSerialGC ")));
  }

  @Test
  void anEmptyEnvVarMeansNoOptions() {
    assertEquals(
        List.of("java", "-jar", JAR.toString()),
        BrokerJvm.command(JAR, Map.of("BROKER_JAVA_OPTS", " ")));
  }
}
