package dev.agentbroker.audit.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * Opens segment files for writing. Exists so tests can inject channels that fail mid-write or on
 * fsync: permission bits cannot simulate I/O errors when tests run as root.
 */
@FunctionalInterface
public interface ChannelOpener {
  ChannelOpener DEFAULT = (path, options) -> FileChannel.open(path, options);

  FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;
}
