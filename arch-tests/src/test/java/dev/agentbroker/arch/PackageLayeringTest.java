package dev.agentbroker.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * Layering inside modules: the broker's packages form no cycle, and an {@code internal} package at
 * any depth ({@code X.internal..}, e.g. {@code audit.hec.internal}) is private to {@code X..}.
 */
class PackageLayeringTest {
  /** The innermost {@code .internal} package a class lives under decides who may use it. */
  static final ArchRule INTERNAL_IS_PRIVATE_TO_ITS_OWNER =
      classes()
          .that()
          .resideInAPackage("dev.agentbroker..internal..")
          .should(onlyBeUsedWithinTheirOwner())
          .because("an internal package is API of nobody but the package that holds it");

  @Test
  void brokerPackagesAreFreeOfCycles() {
    slices()
        .matching("dev.agentbroker.broker.(*)..")
        .should()
        .beFreeOfCycles()
        .because("http and config are the bottom, internal is the wiring on top (ADR 0018)")
        .check(CompiledModules.production());
  }

  @Test
  void internalPackagesArePrivateToTheirOwnerAtAnyDepth() {
    INTERNAL_IS_PRIVATE_TO_ITS_OWNER.check(CompiledModules.production());
  }

  @Test
  void theInternalRuleCatchesAnOutsiderButNotTheOwner() {
    JavaClasses fixture = new ClassFileImporter().importPackages("dev.agentbroker.arch.fixture");
    EvaluationResult r = INTERNAL_IS_PRIVATE_TO_ITS_OWNER.evaluate(fixture);
    assertTrue(r.hasViolation(), "the Intruder fixture must violate the rule");
    String report = String.join("\n", r.getFailureReport().getDetails());
    assertTrue(report.contains("fixture.outsider.Intruder"), report);
    assertFalse(report.contains("fixture.owner.sub.Friend"), report);
  }

  /** {@code a.b.internal.c} → {@code a.b}; null outside an internal package. */
  static String owner(String pkg) {
    String p = pkg + ".";
    int i = p.lastIndexOf(".internal.");
    return i < 0 ? null : p.substring(0, i);
  }

  private static ArchCondition<JavaClass> onlyBeUsedWithinTheirOwner() {
    return new ArchCondition<>("only be used by classes within the package owning the internal") {
      @Override
      public void check(JavaClass item, ConditionEvents events) {
        String owner = owner(item.getPackageName());
        if (owner == null) {
          return;
        }
        for (Dependency d : item.getDirectDependenciesToSelf()) {
          String from = d.getOriginClass().getPackageName();
          if (!from.equals(owner) && !from.startsWith(owner + ".")) {
            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
          }
        }
      }
    };
  }
}
