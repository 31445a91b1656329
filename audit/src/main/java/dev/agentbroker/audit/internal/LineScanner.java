package dev.agentbroker.audit.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Splits a segment file into '\n'-terminated lines while tracking byte offsets, which recovery
 * needs to truncate a torn tail and the reader needs to resume exactly where it stopped.
 */
public final class LineScanner implements Closeable {
  /** Lines longer than this are reported as damaged instead of being buffered without bound. */
  static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

  /**
   * One line.
   *
   * @param number 1-based line number in the file
   * @param start byte offset of the first byte
   * @param end byte offset just past the terminating '\n' (or EOF if unterminated)
   * @param text decoded text without '\n'; null if not valid UTF-8 or over the size limit
   * @param terminated false only for a trailing fragment without '\n'
   */
  public record Line(long number, long start, long end, String text, boolean terminated) {}

  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private long offset;
  private long lineNumber;
  private byte[] line = new byte[1024];

  public LineScanner(Path file, long startOffset, long linesBefore) throws IOException {
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.channel.position(startOffset);
    this.offset = startOffset;
    this.lineNumber = linesBefore;
    buffer.flip();
  }

  /** Next line, or null at end of file. */
  public Line next() throws IOException {
    long start = offset;
    int len = 0;
    boolean oversize = false;
    while (true) {
      if (!buffer.hasRemaining()) {
        buffer.clear();
        int n = channel.read(buffer);
        buffer.flip();
        if (n <= 0) {
          if (len == 0 && !oversize) {
            return null;
          }
          lineNumber++;
          return new Line(lineNumber, start, offset, oversize ? null : decode(len), false);
        }
      }
      byte b = buffer.get();
      offset++;
      if (b == '\n') {
        lineNumber++;
        return new Line(lineNumber, start, offset, oversize ? null : decode(len), true);
      }
      if (len == MAX_LINE_BYTES) {
        oversize = true;
      } else if (!oversize) {
        if (len == line.length) {
          line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, line.length * 2));
        }
        line[len++] = b;
      }
    }
  }

  private String decode(int len) {
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(line, 0, len));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
