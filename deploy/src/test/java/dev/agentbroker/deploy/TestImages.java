package dev.agentbroker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.deploy.images.ImageBuild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The broker and egress images, built once per test JVM with Jib (offline base) and loaded into
 * podman storage of this JVM; removed at exit.
 */
final class TestImages {
  static final Path ROOT = Path.of(System.getProperty("deploy.root", "..")).toAbsolutePath();
  private static TestImages instance;

  final Path dir;
  final Podman podman;
  final Path podmanDir;

  private TestImages(Path dir, Path podmanDir, Podman podman) {
    this.dir = dir;
    this.podmanDir = podmanDir;
    this.podman = podman;
  }

  static synchronized TestImages get() throws Exception {
    if (instance == null) {
      assertTrue(Podman.present(), "podman is not installed: ./run-tests installs it");
      assertEquals("root", System.getProperty("user.name"), "podman tests run rootful (as root)");
      Path dir = Files.createTempDirectory("deploy-images-");
      ImageBuild build = new ImageBuild(ImageBuild.Options.offline(ROOT, dir.resolve("images")));
      Path broker = build.broker();
      Path egress = build.egress();
      // A short path of its own: podman refuses a runroot longer than 50 characters.
      Path podmanDir = Files.createTempDirectory("dpm");
      Podman podman = new Podman(podmanDir);
      podman.ok(List.of("load", "-q", "-i", broker.toString()));
      podman.ok(List.of("load", "-q", "-i", egress.toString()));
      instance = new TestImages(dir, podmanDir, podman);
      Runtime.getRuntime().addShutdownHook(new Thread(instance::close));
    }
    return instance;
  }

  private void close() {
    try {
      podman.close();
    } catch (Exception e) {
      // a temp directory; removed below
    }
    for (Path p : List.of(dir, podmanDir)) {
      try {
        new ProcessBuilder("rm", "-rf", p.toString()).inheritIO().start().waitFor();
      } catch (Exception e) {
        // ignore
      }
    }
  }
}
