package dev.agentbroker.deploy.probe;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Copies the files of a mounted secret into a directory of the service user, as regular files of
 * mode 0600 owned by that user: the broker refuses key files that are symbolic links or that its
 * group can read, and Kubernetes mounts secrets as links owned by root (readable by the user only
 * through {@code fsGroup}). Run as an init container from the broker image into an in-memory
 * emptyDir: {@code InstallSecrets /run/secrets-mounted /run/secrets/agent-broker}. Names starting
 * with a dot (Kubernetes' {@code ..data} bookkeeping) are skipped. Contents are never printed.
 */
public final class InstallSecrets {
  private InstallSecrets() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: InstallSecrets FROM_DIR TO_DIR");
      System.exit(2);
    }
    try {
      int n = install(Path.of(args[0]), Path.of(args[1]));
      System.out.println("installed " + n + " secret file(s) into " + args[1]);
    } catch (IOException e) {
      System.err.println(
          "secrets not installed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      System.exit(1);
    }
  }

  /** Returns the number of files copied. */
  public static int install(Path from, Path to) throws IOException {
    int n = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
      for (Path src : entries) {
        String name = src.getFileName().toString();
        if (name.startsWith(".") || !Files.isRegularFile(src)) {
          continue;
        }
        Path dst = to.resolve(name);
        try {
          Files.createFile(
              dst,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
          throw new IOException(dst + " exists already (a fresh, empty directory is expected)");
        }
        Files.write(dst, Files.readAllBytes(src));
        n++;
      }
    }
    return n;
  }
}
