package dev.agentbroker.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Reads /proc: command lines and environments of every process on the machine. */
final class Processes {
  private Processes() {}

  static List<Path> all() throws IOException {
    try (var s = Files.list(Path.of("/proc"))) {
      return s.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList();
    }
  }

  static String read(Path p) {
    try {
      return new String(Files.readAllBytes(p), StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return ""; // gone, or not ours to read
    }
  }

  static boolean anyCommandLineContains(String text) {
    try {
      for (Path p : all()) {
        if (p.getFileName().toString().equals(Long.toString(ProcessHandle.current().pid()))) {
          continue;
        }
        if (read(p.resolve("cmdline")).contains(text)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether some process's command line is exactly {@code argv} (arguments joined by spaces). */
  static boolean anyCommandLineIs(String argv) {
    try {
      for (Path p : all()) {
        if (read(p.resolve("cmdline")).equals(argv + " ")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every /proc/PID/cmdline and /proc/PID/environ that contains {@code secret}. */
  static List<String> whereVisible(String secret) throws IOException {
    List<String> found = new ArrayList<>();
    for (Path p : all()) {
      for (String f : List.of("cmdline", "environ")) {
        if (read(p.resolve(f)).contains(secret)) {
          found.add(p.resolve(f) + ": " + read(p.resolve("cmdline")));
        }
      }
    }
    return found;
  }

  static void await(BooleanSupplier condition, Duration max, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
