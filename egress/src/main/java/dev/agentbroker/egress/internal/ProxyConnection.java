package dev.agentbroker.egress.internal;

import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.egress.EgressDecision;
import dev.agentbroker.egress.internal.inject.InjectSession;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * One client connection, entirely on its event loop: read and check the request head, decide
 * ({@link Router}), resolve once, connect to exactly the checked address, then hand the bytes to
 * its {@link Relay}. No locks: all state is confined to the channel's event loop, and the upstream
 * channel is registered on the same loop.
 */
public final class ProxyConnection extends ChannelInboundHandlerAdapter {
  /** Phases; timeouts of each are enforced by the loop's {@link Sweeper}. */
  private static final int HEAD = 0;

  private static final int RESOLVING = 1;
  private static final int CONNECTING = 2;
  private static final int RELAY = 3;
  private static final int CLOSING = 4;

  /** An intercepted tunnel ({@code inject: github}): its {@link InjectSession} moves the bytes. */
  private static final int INJECT = 5;

  /** Resolved addresses tried in turn when connecting fails fast. */
  static final int MAX_ADDRESSES = 3;

  private final ProxyContext ctx;
  private final SocketChannel client;
  private final InetAddress clientAddr;
  private final String clientText;
  private final Sweeper sweeper;
  private final String id = ConnectionIds.next();
  private final long acceptedMillis;
  private final long acceptedNanos = System.nanoTime();
  private HeadParser parser;
  private int phase = HEAD;
  private long phaseNanos;
  private long headNanos;
  private boolean finished;
  private boolean established;
  private String closeReason;
  private String method = "-";
  private String host = "-";
  private int port;
  private String user = "-";
  private String address = "-";
  private String group = "-";
  private Channel upstream;
  private Relay relay;
  private boolean intercept;
  private InjectSession inject;
  private byte[] leftover;
  private List<ByteBuf> earlyBytes;
  private int earlyLength;

  // Sweeper's intrusive list.
  ProxyConnection next;
  ProxyConnection prev;

  private ProxyConnection(ProxyContext ctx, SocketChannel client, InetAddress clientAddr) {
    this.ctx = ctx;
    this.client = client;
    this.clientAddr = clientAddr;
    this.clientText = Addresses.text(clientAddr);
    this.sweeper = ctx.sweepers().get(client.eventLoop());
    this.acceptedMillis = ctx.clock().millis();
  }

  /** Entry point for an accepted channel, on its event loop, before its first read. */
  public static void accept(ProxyContext ctx, SocketChannel ch) {
    InetSocketAddress remote = ch.remoteAddress();
    if (remote == null || remote.getAddress() == null) {
      ch.close();
      return;
    }
    ProxyConnection c = new ProxyConnection(ctx, ch, remote.getAddress());
    ch.pipeline().addLast(c);
    String over = ctx.limiter().tryAcquire(c.clientAddr);
    if (over != null) {
      // Refused before reading anything, so a flood of connections costs one write each.
      c.finished = true;
      c.deny(over.equals("client_limit") ? 429 : 503, over);
      return;
    }
    ctx.metrics().activeConnections().incrementAndGet();
    var l = ctx.limits();
    c.parser = new HeadParser(l.maxRequestLineBytes(), l.maxHeaderBytes(), l.maxHeaders());
    c.sweeper.add(c);
  }

  // ---- client side ----

  @Override
  public void channelRead(ChannelHandlerContext c, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    if (phase == RELAY) {
      relay.fromClient(buf, true);
    } else if (phase == HEAD) {
      byte[] chunk = new byte[buf.readableBytes()];
      buf.readBytes(chunk);
      buf.release();
      onHead(chunk);
    } else if (phase == RESOLVING || phase == CONNECTING) {
      // Bytes sent before the upstream is ready are kept for it; a client that keeps sending is
      // paused at the head size limit instead of being buffered without bound.
      if (earlyBytes == null) {
        earlyBytes = new ArrayList<>(2);
      }
      earlyBytes.add(buf);
      earlyLength += buf.readableBytes();
      if (earlyLength > ctx.limits().maxHeaderBytes()) {
        client.config().setAutoRead(false);
      }
    } else {
      buf.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext c) {
    if (phase == RELAY) {
      relay.clientReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext c) {
    if (phase == RELAY) {
      relay.clientWritabilityChanged();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext c) {
    if (closeReason == null && inject != null) {
      closeReason = inject.closeReason();
    }
    closeReason = closeReason == null ? "client_closed" : closeReason;
    phase = CLOSING;
    if (upstream != null) {
      upstream.close();
    }
    if (earlyBytes != null) {
      earlyBytes.forEach(ByteBuf::release);
      earlyBytes = null;
    }
    finish();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
    // Resets and broken pipes are the normal end of many tunnels: close quietly.
    client.close();
  }

  /** For the relay: bytes may move. */
  boolean relaying() {
    return phase == RELAY;
  }

  /** For the relay: the origin closed; true if the client should be flushed and closed. */
  boolean upstreamEnded() {
    if (phase != RELAY) {
      return false;
    }
    closeReason = closeReason == null ? "upstream_closed" : closeReason;
    phase = CLOSING;
    return true;
  }

  private void onHead(byte[] chunk) {
    HeadParser.Result r = parser.feed(chunk);
    if (r instanceof HeadParser.Reject reject) {
      deny(reject.status(), reject.reason());
    } else if (r instanceof HeadParser.Complete done) {
      headNanos = System.nanoTime();
      // Reading goes on while the upstream connects (no epoll change for a pause and a resume):
      // clients wait for the 200, and what some send early (a TLS hello) is kept for the upstream.
      parser = null;
      leftover = done.leftover();
      route(done.head());
    }
  }

  private void route(RequestHead head) {
    Router.Route r = Router.route(head, clientAddr, ctx.allowlist().get());
    method = r.method();
    host = r.host();
    port = r.port();
    user = r.user();
    group = r.group();
    if (r.refused()) {
      deny(r.status(), r.reason());
      return;
    }
    Allowlist.Allow allow = r.allow();
    intercept =
        r.plain() == null && ctx.injector() != null && ctx.injector().intercepts(user, host);
    if (allow.address().isPresent()) {
      connect(List.of(allow.address().get()), 0, r.plain());
      return;
    }
    List<InetAddress> hit = ctx.resolver().cached(host);
    if (hit != null) {
      resolved(hit, allow.answers(), r.plain());
    } else {
      resolve(host, allow.answers(), r.plain());
    }
  }

  private void resolve(String name, AnswerRule answers, PlainHttp plain) {
    phase = RESOLVING;
    phaseNanos = System.nanoTime();
    try {
      ctx.resolveExecutor()
          .execute(
              () -> {
                List<InetAddress> answer;
                try {
                  answer = ctx.resolver().resolve(name);
                } catch (Exception e) {
                  answer = null;
                }
                List<InetAddress> a = answer;
                client
                    .eventLoop()
                    .execute(
                        () -> {
                          if (phase == RESOLVING) {
                            resolved(a, answers, plain);
                          }
                        });
              });
    } catch (RejectedExecutionException e) {
      deny(503, "resolver_busy");
    }
  }

  /** The one answer for this request, from the cache or a lookup: checked, then connected to. */
  private void resolved(List<InetAddress> addrs, AnswerRule answers, PlainHttp plain) {
    if (addrs == null || addrs.isEmpty()) {
      deny(502, "resolve_failed");
      return;
    }
    for (InetAddress a : addrs) {
      // Any answer the rule refuses refuses the name: a public name mixing in a private address
      // (or an internal one mixing in loopback or metadata) is a rebinding attempt, not something
      // to route around.
      if (answers.refusal(a).isPresent()) {
        address = Addresses.text(a);
        deny(403, "forbidden_address");
        return;
      }
    }
    connect(addrs, 0, plain);
  }

  /**
   * Connects to {@code addrs[index]}, all of them checked. A connect that fails (refused,
   * unreachable) moves on to the next checked address, up to {@link #MAX_ADDRESSES}, within the one
   * connect timeout that started with the first attempt: a dual-stack name whose first family is
   * broken still works, and a slow attempt cannot multiply the wait.
   */
  private void connect(List<InetAddress> addrs, int index, PlainHttp plain) {
    InetAddress target = addrs.get(index);
    address = Addresses.text(target);
    if (index == 0) {
      phase = CONNECTING;
      phaseNanos = System.nanoTime();
    }
    relay = new Relay(this, client, sweeper);
    ChannelFuture f =
        ctx.upstream(target)
            .clone(client.eventLoop())
            .handler(relay)
            .connect(new InetSocketAddress(target, port));
    upstream = f.channel();
    relay.upstream(upstream);
    f.addListener(
        (ChannelFutureListener)
            done -> {
              if (phase != CONNECTING) {
                done.channel().close();
                return;
              }
              if (!done.isSuccess()) {
                if (index + 1 < Math.min(addrs.size(), MAX_ADDRESSES)) {
                  connect(addrs, index + 1, plain);
                } else {
                  deny(502, "connect_failed");
                }
                return;
              }
              SocketAddress peer = done.channel().remoteAddress();
              if (!(peer instanceof InetSocketAddress)
                  || !target.equals(((InetSocketAddress) peer).getAddress())) {
                // Defence in depth: the socket must be connected to the address that was checked.
                deny(502, "address_mismatch");
                return;
              }
              established(plain);
            });
  }

  private void established(PlainHttp plain) {
    phase = RELAY;
    established = true;
    phaseNanos = System.nanoTime();
    ctx.metrics().activeTunnels().incrementAndGet();
    ctx.metrics().setupNanos(phaseNanos - headNanos);
    emit("egress.connect", Outcomes.ALLOWED, "allowed", plain == null ? 200 : 0);
    if (intercept) {
      phase = INJECT;
      inject =
          ctx.injector()
              .open(
                  client,
                  upstream,
                  id,
                  clientText,
                  user,
                  host,
                  port,
                  leftover,
                  earlyBytes,
                  Responses.established());
    } else {
      relay.start(leftover, earlyBytes, plain);
    }
    earlyBytes = null;
    leftover = null;
  }

  /** Called by the sweeper about every {@link Sweeper#TICK_MILLIS} ms. */
  void sweep(long now) {
    var l = ctx.limits();
    long tick = Sweeper.TICK_MILLIS * 1_000_000L;
    if (phase == HEAD && now - acceptedNanos >= l.handshakeTimeout().toNanos()) {
      deny(408, "handshake_timeout");
    } else if (phase == RESOLVING && now - phaseNanos >= l.resolveTimeout().toNanos()) {
      deny(504, "resolve_timeout");
    } else if (phase == CONNECTING && now - phaseNanos >= l.connectTimeout().toNanos()) {
      deny(502, "connect_failed");
    } else if (phase == RELAY || phase == INJECT) {
      long active = phase == INJECT ? inject.lastActive() : relay.lastActive();
      if (now - phaseNanos >= l.maxTunnelLifetime().toNanos()) {
        end("lifetime_exceeded");
      } else if (now - active >= l.idleTimeout().toNanos() + tick) {
        // lastActive is the previous sweep's time, up to a tick stale: one tick of slack so the
        // idle timeout never fires early.
        end("idle_timeout");
      }
    }
  }

  private void end(String reason) {
    closeReason = closeReason == null ? reason : closeReason;
    phase = CLOSING;
    client.close();
    upstream.close();
  }

  long takeUnreportedUp() {
    if (inject != null) {
      long d = inject.bytesUp() - reportedInjectUp;
      reportedInjectUp = inject.bytesUp();
      return d;
    }
    return relay == null ? 0 : relay.takeUnreportedUp();
  }

  long takeUnreportedDown() {
    if (inject != null) {
      long d = inject.bytesDown() - reportedInjectDown;
      reportedInjectDown = inject.bytesDown();
      return d;
    }
    return relay == null ? 0 : relay.takeUnreportedDown();
  }

  private long reportedInjectUp;
  private long reportedInjectDown;

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    sweeper.remove(this);
    ctx.limiter().release(clientAddr);
    ctx.metrics().activeConnections().decrementAndGet();
    ctx.metrics().bytes(takeUnreportedUp(), takeUnreportedDown());
    if (established) {
      ctx.metrics().activeTunnels().decrementAndGet();
      emit("egress.close", Outcomes.ALLOWED, closeReason, 0);
    }
  }

  private void deny(int status, String reason) {
    phase = CLOSING;
    String outcome = status >= 500 ? Outcomes.ERROR : Outcomes.DENIED;
    emit("egress.connect", outcome, reason, status);
    if (upstream != null) {
      upstream.close();
    }
    client.writeAndFlush(Responses.error(status, reason)).addListener(ChannelFutureListener.CLOSE);
  }

  private void emit(String event, String outcome, String reason, int status) {
    long now = ctx.clock().millis();
    ctx.decisions()
        .emit(
            new EgressDecision(
                id,
                ctx.clock().instant(),
                event,
                outcome,
                reason,
                status,
                clientText,
                user,
                method,
                host,
                port,
                address,
                group,
                inject != null ? inject.bytesUp() : relay == null ? 0 : relay.bytesUp(),
                inject != null ? inject.bytesDown() : relay == null ? 0 : relay.bytesDown(),
                now - acceptedMillis));
  }
}
