package dev.agentbroker.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Shared fixtures for journal tests. */
public final class TestEvents {
  private TestEvents() {}

  public static AuditEvent event(Clock clock, int n) {
    return AuditEvent.builder("token.issue", Outcomes.ALLOWED)
        .time(clock.instant())
        .reason("reason-number-" + n)
        .subject("agent-" + n)
        .repositories(List.of("octo/repo-" + n))
        .permissions(Map.of("contents", "read"))
        .tokenSha256(TokenHashes.sha256Hex("ghs_secret_" + n))
        .build();
  }

  public static List<Path> segmentFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("segment-"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  public static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  public static String allJournalText(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Path p : segmentFiles(dir)) {
      sb.append(Files.readString(p, StandardCharsets.UTF_8));
    }
    return sb.toString();
  }
}
