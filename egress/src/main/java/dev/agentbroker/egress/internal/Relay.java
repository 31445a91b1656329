package dev.agentbroker.egress.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;

/**
 * The byte-moving half of a {@link ProxyConnection}, and the upstream channel's handler. Runs on
 * the connection's event loop only.
 *
 * <p>Relaying passes Netty's pooled buffers from one channel to the other without copying; a side
 * whose peer cannot take more stops reading until the peer drains (writability events). When one
 * side ends, everything already read from it is in the other side's outbound buffer, so the other
 * side is flushed and then closed: nothing read is dropped.
 */
final class Relay extends ChannelInboundHandlerAdapter {
  private final ProxyConnection conn;
  private final Channel client;
  private final Sweeper sweeper;
  private Channel upstream;

  /** Plain-HTTP request body still to forward; -1 for a CONNECT tunnel. */
  private long bodyRemaining = -1;

  private long lastActive;
  private long bytesUp;
  private long bytesDown;
  private long reportedUp;
  private long reportedDown;

  Relay(ProxyConnection conn, Channel client, Sweeper sweeper) {
    this.conn = conn;
    this.client = client;
    this.sweeper = sweeper;
  }

  void upstream(Channel upstream) {
    this.upstream = upstream;
  }

  /**
   * Starts relaying: the CONNECT answer or the rewritten plain-HTTP head, then what the client sent
   * before the upstream was ready, then both sides read.
   */
  void start(byte[] leftover, List<ByteBuf> early, PlainHttp plain) {
    lastActive = sweeper.now();
    if (plain == null) {
      client.writeAndFlush(Responses.established(), client.voidPromise());
    } else {
      upstream.write(Unpooled.wrappedBuffer(plain.head()), upstream.voidPromise());
      bodyRemaining = plain.contentLength();
    }
    if (leftover.length > 0) {
      fromClient(Unpooled.wrappedBuffer(leftover), false);
    }
    if (early != null) {
      early.forEach(b -> fromClient(b, false));
    }
    upstream.flush();
    upstream.config().setAutoRead(true);
    client.config().setAutoRead(true);
  }

  /** Bytes the client sent, for the upstream. */
  void fromClient(ByteBuf buf, boolean mayPause) {
    lastActive = sweeper.now();
    if (bodyRemaining >= 0) {
      forwardBody(buf);
      return;
    }
    bytesUp += buf.readableBytes();
    upstream.write(buf, upstream.voidPromise());
    if (mayPause && !upstream.isWritable()) {
      // Stop this read loop now: it would read up to 16 buffers before readComplete.
      flushOrPause(upstream, client);
    }
  }

  void clientReadComplete() {
    flushOrPause(upstream, client);
  }

  void clientWritabilityChanged() {
    if (client.isWritable()) {
      upstream.config().setAutoRead(true);
    }
  }

  /** Forwards exactly the declared body of a plain-HTTP request; later bytes are dropped. */
  private void forwardBody(ByteBuf buf) {
    int n = (int) Math.min(buf.readableBytes(), bodyRemaining);
    if (n == 0) {
      buf.release();
      return;
    }
    bodyRemaining -= n;
    bytesUp += n;
    upstream.write(buf.readRetainedSlice(n), upstream.voidPromise());
    buf.release();
  }

  /**
   * Flushes {@code to}; if it still holds more than its water mark, stops reading {@code from}
   * until {@code to}'s writability event resumes it. Flush first and look again: a flush that
   * drains fires that event itself, and a pause after it would never be undone.
   */
  private static void flushOrPause(Channel to, Channel from) {
    to.flush();
    if (!to.isWritable()) {
      from.config().setAutoRead(false);
    }
  }

  long lastActive() {
    return lastActive;
  }

  long bytesUp() {
    return bytesUp;
  }

  long bytesDown() {
    return bytesDown;
  }

  long takeUnreportedUp() {
    long d = bytesUp - reportedUp;
    reportedUp = bytesUp;
    return d;
  }

  long takeUnreportedDown() {
    long d = bytesDown - reportedDown;
    reportedDown = bytesDown;
    return d;
  }

  // ---- upstream channel events ----

  @Override
  public void channelRead(ChannelHandlerContext c, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    if (!conn.relaying()) {
      buf.release();
      return;
    }
    lastActive = sweeper.now();
    bytesDown += buf.readableBytes();
    client.write(buf, client.voidPromise());
    if (!client.isWritable()) {
      flushOrPause(client, upstream);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext c) {
    if (conn.relaying()) {
      flushOrPause(client, upstream);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext c) {
    if (conn.relaying() && upstream.isWritable()) {
      client.config().setAutoRead(true);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext c) {
    if (conn.upstreamEnded()) {
      // Everything read from the origin is already queued on the client: flush it, then close.
      client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
    c.channel().close();
  }
}
