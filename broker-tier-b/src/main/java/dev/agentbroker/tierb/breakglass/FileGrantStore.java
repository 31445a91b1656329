package dev.agentbroker.tierb.breakglass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Grants in one JSON file, for a single replica (the default): the working set is in memory ({@link
 * MemoryGrantStore}), loaded from the file on first use, and every change writes the whole file. A
 * save writes a temporary file next to it, fsyncs it, renames it over the old one atomically and
 * fsyncs the directory, so a crash leaves either the old or the new file, never a torn one. A file
 * that exists but cannot be parsed is an error, never "no grants".
 */
public final class FileGrantStore implements GrantStore, MemoryGrantStore.Persistence {
  private static final int FORMAT = 1;

  private final Path file;
  private final MemoryGrantStore grants;

  /** With the default history limit. */
  public FileGrantStore(Path file) {
    this(file, BreakGlassSettings.defaults().historyLimit());
  }

  public FileGrantStore(Path file, int historyLimit) {
    this.file = file.toAbsolutePath().normalize();
    this.grants = new MemoryGrantStore(historyLimit, this);
  }

  @Override
  public Optional<Grant> get(String id) throws GrantStoreException {
    return grants.get(id);
  }

  @Override
  public List<Grant> list() throws GrantStoreException {
    return grants.list();
  }

  @Override
  public boolean create(Grant grant) throws GrantStoreException {
    return grants.create(grant);
  }

  @Override
  public boolean replace(Grant expected, Grant next) throws GrantStoreException {
    return grants.replace(expected, next);
  }

  @Override
  public boolean lock(String id, String owner, Duration ttl) {
    return grants.lock(id, owner, ttl);
  }

  @Override
  public void unlock(String id, String owner) {
    grants.unlock(id, owner);
  }

  /** Every grant in the file; an unreadable file throws rather than reading as empty. */
  @Override
  public List<Grant> load() throws GrantStoreException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new GrantStoreException(
          "break-glass store " + file + " cannot be read: " + e.getMessage(), e);
    }
    try {
      JsonNode root = GrantJson.MAPPER.readTree(bytes);
      if (root == null || !root.isObject() || root.path("format").asInt() != FORMAT) {
        throw new IllegalArgumentException("not a format-" + FORMAT + " grant store");
      }
      JsonNode arr = root.get("grants");
      if (arr == null || !arr.isArray()) {
        throw new IllegalArgumentException("no 'grants' array");
      }
      List<Grant> out = new ArrayList<>();
      for (JsonNode n : arr) {
        out.add(GrantJson.fromJson(n));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new GrantStoreException(
          "break-glass store "
              + file
              + " is corrupt ("
              + e.getMessage()
              + "); refusing to start. Compare it with the audit journal's breakglass.* events,"
              + " then repair or move it aside",
          e);
    }
  }

  /** Replaces the file's content durably; returns only once it is on disk. */
  @Override
  public void save(List<Grant> grants) throws IOException {
    ObjectNode root = GrantJson.MAPPER.createObjectNode();
    root.put("format", FORMAT);
    ArrayNode arr = root.putArray("grants");
    grants.forEach(g -> arr.add(GrantJson.toJson(g)));
    byte[] bytes =
        GrantJson.MAPPER
            .writerWithDefaultPrettyPrinter()
            .writeValueAsString(root)
            .getBytes(StandardCharsets.UTF_8);
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    // A temporary file left by a crash may carry other permissions: start from a new one that is
    // owner-only from its creation, so no reader can open it between create and chmod.
    Files.deleteIfExists(tmp);
    try (FileChannel ch = createOwnerOnly(tmp)) {
      restrict(tmp);
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the store's file system cannot rename atomically: " + dir, e);
    }
    syncDirectory(dir);
  }

  @Override
  public String describe() {
    return "file " + file;
  }

  private static FileChannel createOwnerOnly(Path p) throws IOException {
    Set<StandardOpenOption> options =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      return FileChannel.open(
          p,
          options,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      return FileChannel.open(p, options); // non-POSIX: the directory's permissions have to do
    }
  }

  private static void restrict(Path p) {
    try {
      // Justifications and names are internal information: owner-only, like the journal.
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      // Non-POSIX file systems: the directory's permissions have to do.
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory; the rename is still atomic there.
    }
  }
}
