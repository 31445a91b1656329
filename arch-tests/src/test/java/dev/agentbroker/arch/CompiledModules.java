package dev.agentbroker.arch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The compiled production classes of every module, read from each module's target/classes (so the
 * broker is checked too even though this module cannot depend on it). Imported once.
 */
final class CompiledModules {
  private static JavaClasses classes;

  private CompiledModules() {}

  static synchronized JavaClasses production() {
    if (classes == null) {
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
                  "testkit",
                  "deploy")
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
    return classes;
  }
}
