package dev.agentbroker.tierb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.agentbroker.tierb.verbs.Verb;
import dev.agentbroker.tierb.verbs.VerbCatalog;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Destructive verbs are absent by design: the catalog is a sealed set of four, and no compiled
 * class of this module names a DELETE call or a destructive verb.
 */
class DestructiveVerbsAbsentTest {
  @Test
  void catalogIsExactlyTheSealedSet() {
    Set<String> permitted =
        Arrays.stream(Verb.class.getPermittedSubclasses())
            .map(Class::getSimpleName)
            .collect(Collectors.toSet());
    assertEquals(
        Set.of("CreateRepo", "SetRepoMetadata", "GrantTeamAccess", "ApplyBranchProtection"),
        permitted);
    assertEquals(
        List.of("create-repo", "set-repo-metadata", "grant-team-access", "apply-branch-protection"),
        VerbCatalog.all().stream().map(Verb::name).toList());
    assertFalse(VerbCatalog.find("delete-repo").isPresent());
    assertFalse(VerbCatalog.find("remove-member").isPresent());
  }

  @Test
  void noClassCanIssueADeleteOrNameADestructiveVerb() throws Exception {
    Path classes = classesRoot();
    List<Path> files;
    try (Stream<Path> s = Files.walk(classes)) {
      files = s.filter(p -> p.toString().endsWith(".class")).toList();
    }
    assertFalse(files.isEmpty());
    for (Path f : files) {
      String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      for (String forbidden : List.of("DELETE", "delete-repo", "remove-member", "/members/")) {
        assertFalse(text.contains(forbidden), f + " contains " + forbidden);
      }
    }
  }

  private static Path classesRoot() throws URISyntaxException {
    return Path.of(Verb.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
