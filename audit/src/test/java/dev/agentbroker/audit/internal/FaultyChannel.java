package dev.agentbroker.audit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CountDownLatch;

/**
 * Delegating FileChannel that injects the failures a full or dying disk produces. Needed because
 * tests may run as root, where read-only permissions do not cause write errors.
 */
final class FaultyChannel extends FileChannel {

  /** Fault switches shared by every channel a test opener creates. */
  static final class Faults {
    volatile boolean shortWriteThenFail;

    /** Fails the next force only, like a one-off EIO; the rollback's own force then works. */
    volatile boolean failNextForce;

    volatile boolean failTruncate;
    volatile CountDownLatch forceEntered;
    volatile CountDownLatch releaseForce;

    void clear() {
      shortWriteThenFail = false;
      failNextForce = false;
      failTruncate = false;
    }
  }

  private final FileChannel delegate;
  private final Faults faults;

  FaultyChannel(FileChannel delegate, Faults faults) {
    this.delegate = delegate;
    this.faults = faults;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (faults.shortWriteThenFail) {
      // Half the record reaches the file, then the disk fills up.
      int half = Math.max(1, src.remaining() / 2);
      ByteBuffer part = src.duplicate();
      part.limit(part.position() + half);
      delegate.write(part);
      throw new IOException("No space left on device");
    }
    return delegate.write(src);
  }

  @Override
  public void force(boolean metaData) throws IOException {
    CountDownLatch entered = faults.forceEntered;
    CountDownLatch release = faults.releaseForce;
    if (release != null) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (faults.failNextForce) {
      faults.failNextForce = false;
      throw new IOException("Input/output error");
    }
    delegate.force(metaData);
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (faults.failTruncate) {
      throw new IOException("Read-only file system");
    }
    delegate.truncate(size);
    return this;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return delegate.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return delegate.read(dsts, offset, length);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    return delegate.write(srcs, offset, length);
  }

  @Override
  public long position() throws IOException {
    return delegate.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    delegate.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return delegate.size();
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return delegate.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    return delegate.transferFrom(src, position, count);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return delegate.read(dst, position);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    return delegate.write(src, position);
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return delegate.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return delegate.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return delegate.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    delegate.close();
  }
}
