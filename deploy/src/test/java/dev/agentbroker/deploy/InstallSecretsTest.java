package dev.agentbroker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentbroker.deploy.probe.InstallSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Kubernetes-style secret mount (links into ..data) becomes regular 0600 files. */
class InstallSecretsTest {
  @TempDir Path tmp;

  @Test
  void linksBecomeRegularOwnerOnlyFiles() throws Exception {
    Path mounted = tmp.resolve("mounted");
    Path data = mounted.resolve("..2026_12_07");
    Files.createDirectories(data);
    Files.writeString(data.resolve("state-seal-key"), "c2VhbA==\n");
    Files.createSymbolicLink(mounted.resolve("..data"), data.getFileName());
    Files.createSymbolicLink(mounted.resolve("state-seal-key"), Path.of("..data/state-seal-key"));
    Path to = Files.createDirectory(tmp.resolve("to"));

    assertEquals(1, InstallSecrets.install(mounted, to));
    Path installed = to.resolve("state-seal-key");
    assertFalse(Files.isSymbolicLink(installed));
    assertEquals("c2VhbA==\n", Files.readString(installed));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(installed, LinkOption.NOFOLLOW_LINKS)));
    assertEquals(1, Files.list(to).count(), "..data is not copied");
    assertThrows(IOException.class, () -> InstallSecrets.install(mounted, to), "no overwrite");
  }
}
