package dev.agentbroker.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module arrows of the architecture brief, enforced on the compiled production classes of every
 * module (read from each module's target/classes, so the broker is checked too even though this
 * module cannot depend on it).
 */
class ModuleDependencyTest {
  private static final String ROOT = "dev.agentbroker.";
  private static JavaClasses classes;

  @BeforeAll
  static void importAll() {
    Path repo = Path.of("").toAbsolutePath().getParent();
    List<Path> dirs =
        Stream.of(
                "policy",
                "audit",
                "request",
                "broker-tier-a",
                "broker-tier-b",
                "broker",
                "egress",
                "sandbox-runner",
                "testkit")
            .map(m -> repo.resolve(m).resolve("target/classes"))
            .toList();
    for (Path d : dirs) {
      assertTrue(Files.isDirectory(d), "compiled classes missing (build order?): " + d);
    }
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPaths(dirs);
  }

  static Stream<Arguments> forbidden() {
    return Stream.of(
        Arguments.of(
            "policy",
            List.of(
                "audit", "request", "tiera", "tierb", "broker", "egress", "sandbox", "testkit")),
        Arguments.of(
            "audit",
            List.of(
                "policy", "request", "tiera", "tierb", "broker", "egress", "sandbox", "testkit")),
        Arguments.of(
            "request",
            List.of("policy", "tiera", "tierb", "broker", "egress", "sandbox", "testkit")),
        Arguments.of("tiera", List.of("tierb", "broker", "egress", "sandbox", "testkit")),
        Arguments.of("tierb", List.of("broker", "egress", "sandbox", "testkit")),
        Arguments.of("broker", List.of("egress", "sandbox", "testkit")),
        Arguments.of("egress", List.of("tiera", "tierb", "broker", "sandbox", "testkit")),
        Arguments.of(
            "sandbox",
            List.of("audit", "request", "tiera", "tierb", "broker", "egress", "testkit")),
        Arguments.of(
            "testkit", List.of("request", "tiera", "tierb", "broker", "egress", "sandbox")));
  }

  @ParameterizedTest(name = "{0} must not depend on {1}")
  @MethodSource("forbidden")
  void moduleArrows(String module, List<String> notAllowed) {
    String[] targets = notAllowed.stream().map(m -> ROOT + m + "..").toArray(String[]::new);
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage(ROOT + module + "..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(targets)
            .because("the architecture brief allows only the listed module arrows");
    rule.check(classes);
  }

  @ParameterizedTest(name = "internal packages of {0} are private to it")
  @MethodSource("modules")
  void internalsArePrivate(String module) {
    ArchRule rule =
        noClasses()
            .that()
            .resideOutsideOfPackage(ROOT + module + "..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage(ROOT + module + ".internal..")
            .because("only a module's public packages are API");
    rule.check(classes);
  }

  @Test
  void installationWideTokensAreMintedOnlyByTierB() {
    // An installation-wide token (needed to create repositories) must never reach Tier A's
    // callers: only Tier B's executor, which keeps the token inside the broker, may mint one.
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + "tierb..")
        .should()
        .callMethod(
            "dev.agentbroker.tiera.github.GitHubAppClient",
            "mintInstallationWide",
            "long",
            "java.util.Map")
        .check(classes);
  }

  static Stream<String> modules() {
    return Stream.of(
        "policy", "audit", "request", "tiera", "tierb", "broker", "egress", "sandbox", "testkit");
  }
}
