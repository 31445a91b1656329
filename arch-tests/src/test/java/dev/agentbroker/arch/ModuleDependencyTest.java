package dev.agentbroker.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module arrows of the architecture brief, enforced on the compiled production classes of every
 * module ({@link CompiledModules}).
 */
class ModuleDependencyTest {
  private static final String ROOT = "dev.agentbroker.";
  private static JavaClasses classes;

  @BeforeAll
  static void importAll() {
    classes = CompiledModules.production();
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
            "testkit", List.of("request", "tiera", "tierb", "broker", "egress", "sandbox")),
        // The image build packages the built jars; it links to no module's code.
        Arguments.of(
            "deploy",
            List.of(
                "policy", "audit", "request", "tiera", "tierb", "broker", "egress", "sandbox",
                "testkit")));
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
        "policy", "audit", "request", "tiera", "tierb", "broker", "egress", "sandbox", "testkit",
        "deploy");
  }
}
