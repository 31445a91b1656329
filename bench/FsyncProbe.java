import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The disk's fsync time, as the journal pays it: append ~600 bytes (one journal record) to a file
 * and force it, N times, one after the other. Prints median and p90 in milliseconds. Not a test:
 * bench/mint-bench.sh runs it in the same run as the mint measurements, on the journal's disk.
 * Usage: java bench/FsyncProbe.java DIR [N]
 */
public final class FsyncProbe {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path file = Files.createTempFile(dir, "fsync-probe", ".bin");
    byte[] record = new byte[600];
    Arrays.fill(record, (byte) 'x');
    double[] ms = new double[n];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        ch.write(ByteBuffer.wrap(record));
        ch.force(false);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    } finally {
      Files.deleteIfExists(file);
    }
    Arrays.sort(ms);
    System.out.printf("FSYNC median_ms=%.3f p90_ms=%.3f n=%d%n", ms[n / 2], ms[n * 9 / 10], n);
  }
}
