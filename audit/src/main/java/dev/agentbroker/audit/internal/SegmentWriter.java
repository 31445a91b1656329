package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.JournalRecord;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;

/**
 * Owns the active segment and the two chain heads: the durable head (fsync'd, what callers were
 * told) and the tentative head (written, not yet synced). Only the writer thread mutates it;
 * volatile fields are for readers of stats and for segment deletion.
 */
final class SegmentWriter implements Closeable {
  private final Path directory;
  private final ChannelOpener opener;
  private final long segmentMaxBytes;
  // Null for an unkeyed (legacy) chain; only the writer thread uses it.
  private final ChainMac mac;

  private volatile Segments.Segment active;
  private FileChannel channel;
  private long durablePos;
  private long writePos;
  private volatile long headSeq;
  private String headHash;
  private long tentativeSeq;
  private String tentativeHash;

  SegmentWriter(
      Path directory,
      ChannelOpener opener,
      long segmentMaxBytes,
      Recovery.State state,
      ChainMac mac)
      throws IOException {
    this.mac = mac;
    this.directory = directory;
    this.opener = opener;
    this.segmentMaxBytes = segmentMaxBytes;
    this.active = state.active();
    this.channel = opener.open(state.active().path(), EnumSet.of(StandardOpenOption.WRITE));
    this.channel.position(state.activeSize());
    this.durablePos = state.activeSize();
    this.writePos = state.activeSize();
    this.headSeq = state.headSeq();
    this.headHash = state.headHash();
    this.tentativeSeq = headSeq;
    this.tentativeHash = headHash;
  }

  /** The record the next write would produce; pure, so it can be recomputed after a rotation. */
  JournalRecord stage(String eventJson) {
    String hash =
        mac == null
            ? ChainHash.compute(tentativeHash, eventJson)
            : mac.compute(tentativeHash, eventJson);
    return new JournalRecord(tentativeSeq + 1, tentativeHash, hash, eventJson);
  }

  static byte[] lineBytes(JournalRecord record) {
    return (RecordCodec.encode(record) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  boolean needsRotation(int lineLength) {
    return writePos > 0 && writePos + lineLength > segmentMaxBytes;
  }

  /** Switches to a new segment. Only called when everything written so far is durable. */
  void rotate() throws IOException {
    Segments.Segment next = Segments.at(directory, tentativeSeq + 1);
    FileChannel created =
        opener.open(
            next.path(), EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    try {
      Segments.fsyncDirectory(directory);
    } catch (IOException e) {
      created.close();
      Files.deleteIfExists(next.path());
      throw e;
    }
    FileChannel old = channel;
    channel = created;
    active = next;
    durablePos = 0;
    writePos = 0;
    try {
      old.close();
    } catch (IOException ignored) {
      // Its contents were already forced; a failing close cannot lose confirmed records.
    }
  }

  void write(JournalRecord record, byte[] line) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(line);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    writePos += line.length;
    tentativeSeq = record.sequence();
    tentativeHash = record.hash();
  }

  /** fsyncs what was written and advances the durable head. */
  void commit() throws IOException {
    channel.force(false);
    durablePos = writePos;
    headSeq = tentativeSeq;
    headHash = tentativeHash;
  }

  /**
   * Forgets everything written since the last commit, on disk and in memory, so a record whose
   * caller saw a failure can never become part of the chain.
   *
   * @return false if the file could not be restored; the journal must then stop writing
   */
  boolean rollback() {
    tentativeSeq = headSeq;
    tentativeHash = headHash;
    try {
      channel.truncate(durablePos);
      channel.position(durablePos);
      // Metadata too: the point is that the shorter size survives a crash.
      channel.force(true);
      writePos = durablePos;
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  long headSeq() {
    return headSeq;
  }

  /** Hash of the last durable record; only meaningful on the writer thread. */
  String headHash() {
    return headHash;
  }

  Segments.Segment active() {
    return active;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
