package dev.agentbroker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** deploy/k8s against the Kubernetes schema and the project's workload rules; no cluster. */
class K8sManifestsTest {
  static final Path K8S = TestImages.ROOT.resolve("deploy/k8s");

  static Stream<Path> manifests() throws Exception {
    try (Stream<Path> files = Files.list(K8S)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void everyManifestIsValid(Path file) throws Exception {
    List<HasMetadata> objects = new ArrayList<>();
    assertEquals(
        List.of(), K8sSchema.check(file.getFileName().toString(), Files.readString(file), objects));
    assertTrue(!objects.isEmpty(), file + " holds no object");
  }

  @Test
  void theBrokerRunsTwoReplicasWithItsOwnJournalEach() throws Exception {
    List<HasMetadata> objects = new ArrayList<>();
    K8sSchema.check("broker.yaml", Files.readString(K8S.resolve("broker.yaml")), objects);
    StatefulSet broker =
        objects.stream()
            .filter(StatefulSet.class::isInstance)
            .map(StatefulSet.class::cast)
            .findFirst()
            .orElseThrow();
    assertEquals(2, broker.getSpec().getReplicas());
    assertEquals(
        "state", broker.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName());
  }

  /** Planted mistakes in the real broker manifest, and the problem each must produce. */
  static Stream<Arguments> broken() {
    return Stream.of(
        Arguments.of(
            "misspelt field", "  replicas: 2", "  replica: 2", "unknown field(s) [replica]"),
        Arguments.of(
            "wrong type", "  replicas: 2", "  replicas: two", "spec.replicas: Cannot coerce"),
        Arguments.of(
            "list for a scalar",
            "containerPort: 8080",
            "containerPort: [8080]",
            "containers[0].ports[0].containerPort"),
        Arguments.of(
            "field at the wrong level",
            "        runAsNonRoot: true\n",
            "        runAsNonRoot: true\n        readOnlyRootFilesystem: true\n",
            "unknown field(s) [readOnlyRootFilesystem]"),
        Arguments.of(
            "case typo",
            "automountServiceAccountToken: false\n      enableServiceLinks",
            "automountServiceaccountToken: false\n      enableServiceLinks",
            "automountServiceaccountToken"),
        Arguments.of(
            "retired apiVersion",
            "apiVersion: apps/v1\nkind: StatefulSet",
            "apiVersion: apps/v1beta2\nkind: StatefulSet",
            "unknown apiVersion/kind apps/v1beta2/StatefulSet"),
        Arguments.of(
            "writable root filesystem",
            "readOnlyRootFilesystem: true",
            "readOnlyRootFilesystem: false",
            "readOnlyRootFilesystem must be true"),
        Arguments.of(
            "root allowed",
            "runAsNonRoot: true",
            "runAsNonRoot: false",
            "runAsNonRoot must be true"),
        Arguments.of(
            "capabilities kept",
            "capabilities: {drop: [ALL]}",
            "capabilities: {drop: [NET_RAW]}",
            "capabilities.drop must be [ALL]"),
        Arguments.of(
            "no readiness probe",
            "          readinessProbe:\n            httpGet: {path: /q/health/ready, port: http}\n",
            "          readinessProbe_:\n            httpGet: {path: /q/health/ready, port: http}\n",
            "needs a readinessProbe"),
        Arguments.of(
            "selector selects nothing",
            "    matchLabels: {app.kubernetes.io/name: agent-broker}",
            "    matchLabels: {app.kubernetes.io/name: agent-brokers}",
            "does not select"),
        Arguments.of("not YAML", "  replicas: 2", "  replicas: [2", "not YAML"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("broken")
  void plantedMistakesAreFound(String what, String from, String to, String expected)
      throws Exception {
    String good = Files.readString(K8S.resolve("broker.yaml"));
    assertTrue(good.contains(from), "the manifest no longer contains: " + from);
    String bad = good.replace(from, to);
    List<String> problems = K8sSchema.check("broker.yaml", bad, new ArrayList<>());
    assertTrue(
        problems.stream().anyMatch(p -> p.contains(expected)),
        what + ": expected a problem containing '" + expected + "', got " + problems);
  }
}
