package dev.agentbroker.egress.internal;

import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.egress.EgressDecision;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One client connection, entirely on its event loop: read and check the request head, decide,
 * resolve once, connect to exactly the checked address, then relay. No locks: all state is confined
 * to the connection's context.
 */
public final class ProxyConnection {
  private static final Set<String> FORWARD_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");
  private static final Buffer ESTABLISHED =
      Buffer.buffer("HTTP/1.1 200 Connection established\r\n\r\n");

  private final ProxyContext ctx;
  private final NetSocket client;
  private final InetAddress clientAddr;
  private final String id = ConnectionIds.next();
  private final String clientText;
  private final long acceptedMillis;
  private final HeadParser parser;
  private long handshakeTimer = -1;
  private long lifetimeTimer = -1;
  private long headNanos;
  private boolean headDone;
  private boolean decided;
  private boolean finished;
  private boolean established;
  private String closeReason;
  private String method = "-";
  private String host = "-";
  private int port;
  private String address = "-";
  private String group = "-";
  private NetSocket upstream;
  private final long[] bytes = new long[2]; // [0] up (client to origin), [1] down

  private ProxyConnection(ProxyContext ctx, NetSocket client, InetAddress clientAddr) {
    this.ctx = ctx;
    this.client = client;
    this.clientAddr = clientAddr;
    this.clientText = Addresses.text(clientAddr);
    this.acceptedMillis = ctx.clock().millis();
    var l = ctx.limits();
    this.parser = new HeadParser(l.maxRequestLineBytes(), l.maxHeaderBytes(), l.maxHeaders());
  }

  /** Entry point for an accepted socket. */
  public static void accept(ProxyContext ctx, NetSocket socket) {
    String remote = socket.remoteAddress().hostAddress();
    int zone = remote.indexOf('%');
    Optional<InetAddress> addr =
        Addresses.parseLiteral(zone >= 0 ? remote.substring(0, zone) : remote);
    if (addr.isEmpty()) {
      socket.close();
      return;
    }
    ProxyConnection c = new ProxyConnection(ctx, socket, addr.get());
    String over = ctx.limiter().tryAcquire(addr.get());
    if (over != null) {
      // Refused before reading anything, so a flood of connections costs one write each.
      c.finished = true;
      c.deny(over.equals("client_limit") ? 429 : 503, over);
      return;
    }
    ctx.metrics().activeConnections().incrementAndGet();
    c.start();
  }

  private void start() {
    handshakeTimer =
        ctx.vertx()
            .setTimer(
                ctx.limits().handshakeTimeout().toMillis(),
                t -> {
                  handshakeTimer = -1;
                  if (!headDone && !finished) {
                    deny(408, "handshake_timeout");
                  }
                });
    client.handler(this::onHead);
    client.exceptionHandler(e -> client.close());
    client.closeHandler(v -> onClientClosed());
  }

  private void onHead(Buffer data) {
    if (headDone || decided) {
      return;
    }
    HeadParser.Result r = parser.feed(data.getBytes());
    if (r instanceof HeadParser.Reject) {
      HeadParser.Reject reject = (HeadParser.Reject) r;
      headDone = true;
      deny(reject.status(), reject.reason());
    } else if (r instanceof HeadParser.Complete) {
      headDone = true;
      headNanos = System.nanoTime();
      cancel(handshakeTimer);
      client.pause();
      HeadParser.Complete done = (HeadParser.Complete) r;
      route(done.head(), done.leftover());
    }
  }

  private void route(RequestHead head, byte[] leftover) {
    method = head.method();
    Optional<Target> target;
    boolean connect = method.equals("CONNECT");
    if (connect) {
      target = Target.authority(head.target());
    } else if (!FORWARD_METHODS.contains(method)) {
      deny(405, "method_not_allowed");
      return;
    } else if (head.target().startsWith("/")) {
      deny(400, "origin_form");
      return;
    } else {
      target = Target.absoluteHttp(head.target());
    }
    if (target.isEmpty()) {
      deny(400, connect ? "bad_authority" : "bad_target");
      return;
    }
    Target t = target.get();
    host = t.host();
    port = t.port();
    Allowlist.Verdict v = ctx.allowlist().get().decide(clientAddr, t);
    if (v instanceof Allowlist.Deny) {
      Allowlist.Deny d = (Allowlist.Deny) v;
      group = d.group() == null ? "-" : d.group();
      deny(403, d.reason());
      return;
    }
    Allowlist.Allow allow = (Allowlist.Allow) v;
    group = allow.group();
    PlainHttp plain = null;
    if (!connect) {
      plain = PlainHttp.prepare(head, t);
      if (plain.problem() != null) {
        deny(plain.status(), plain.problem());
        return;
      }
    }
    PlainHttp forward = plain;
    if (allow.address().isPresent()) {
      connect(allow.address().get(), leftover, forward);
      return;
    }
    resolve(t.host(), allow.internalAllowed(), leftover, forward);
  }

  private void resolve(String name, boolean internalAllowed, byte[] leftover, PlainHttp forward) {
    List<InetAddress> hit = ctx.resolver().cached(name);
    if (hit != null) {
      resolved(hit, internalAllowed, leftover, forward);
      return;
    }
    boolean[] timedOut = {false};
    long timer =
        ctx.vertx()
            .setTimer(
                ctx.limits().resolveTimeout().toMillis(),
                t -> {
                  timedOut[0] = true;
                  if (!finished) {
                    deny(504, "resolve_timeout");
                  }
                });
    ctx.vertx()
        .executeBlocking(() -> ctx.resolver().resolve(name), false)
        .onComplete(
            ar -> {
              cancel(timer);
              if (timedOut[0] || finished) {
                return;
              }
              resolved(ar.succeeded() ? ar.result() : null, internalAllowed, leftover, forward);
            });
  }

  /** The one answer for this request, from the cache or a lookup: checked, then connected to. */
  private void resolved(
      List<InetAddress> addrs, boolean internalAllowed, byte[] leftover, PlainHttp forward) {
    if (addrs == null || addrs.isEmpty()) {
      deny(502, "resolve_failed");
      return;
    }
    if (!internalAllowed) {
      for (InetAddress a : addrs) {
        // Any non-public answer refuses the name: a public name mixing in a private address is a
        // rebinding attempt, not something to route around.
        if (Addresses.special(a).isPresent()) {
          address = Addresses.text(a);
          deny(403, "forbidden_address");
          return;
        }
      }
    }
    connect(addrs.get(0), leftover, forward);
  }

  private void connect(InetAddress target, byte[] leftover, PlainHttp forward) {
    address = Addresses.text(target);
    ctx.netClient()
        .connect(SocketAddress.inetSocketAddress(port, address))
        .onComplete(
            ar -> {
              if (finished) {
                if (ar.succeeded()) {
                  ar.result().close();
                }
                return;
              }
              if (ar.failed()) {
                deny(502, "connect_failed");
                return;
              }
              NetSocket so = ar.result();
              Optional<InetAddress> peer = Addresses.parseLiteral(so.remoteAddress().hostAddress());
              if (peer.isEmpty() || !peer.get().equals(target)) {
                // Defence in depth: the socket must be connected to the address that was checked.
                so.close();
                deny(502, "address_mismatch");
                return;
              }
              established(so, leftover, forward);
            });
  }

  private void established(NetSocket so, byte[] leftover, PlainHttp forward) {
    upstream = so;
    established = true;
    decided = true;
    ctx.metrics().activeTunnels().incrementAndGet();
    ctx.metrics().setupNanos(System.nanoTime() - headNanos);
    emit("egress.connect", Outcomes.ALLOWED, "allowed", forward == null ? 200 : 0);
    so.exceptionHandler(e -> so.close());
    // The origin's end is handled once everything it sent has been relayed: closing the client
    // from closeHandler while the upstream is paused (client backed up) would drop data already
    // read from the origin but not yet written to the client.
    so.endHandler(v -> onUpstreamEnded());
    so.closeHandler(v -> onUpstreamClosed());
    lifetimeTimer =
        ctx.vertx()
            .setTimer(
                ctx.limits().maxTunnelLifetime().toMillis(),
                t -> {
                  lifetimeTimer = -1;
                  closeReason = closeReason == null ? "lifetime_exceeded" : closeReason;
                  client.close();
                  so.close();
                });
    relay(so, client, 1);
    if (forward == null) {
      client.write(ESTABLISHED);
      if (leftover.length > 0) {
        bytes[0] += leftover.length;
        so.write(Buffer.buffer(leftover));
      }
      relay(client, so, 0);
    } else {
      so.write(forward.head());
      forward.body(client, so, leftover, bytes, ctx.metrics());
    }
    client.resume();
  }

  /** Copies {@code from} to {@code to} with backpressure, counting bytes in {@code bytes[slot]}. */
  private void relay(NetSocket from, NetSocket to, int slot) {
    from.handler(
        buf -> {
          int n = buf.length();
          bytes[slot] += n;
          if (slot == 0) {
            ctx.metrics().bytes(n, 0);
          } else {
            ctx.metrics().bytes(0, n);
          }
          to.write(buf);
          if (to.writeQueueFull()) {
            from.pause();
            if (slot == 1) {
              upstreamPaused = true;
            }
            to.drainHandler(
                v -> {
                  if (slot == 1) {
                    upstreamPaused = false;
                  }
                  from.resume();
                });
          }
        });
  }

  /** Whether the upstream is paused because the client's write queue is full. */
  private boolean upstreamPaused;

  private void onClientClosed() {
    closeReason = closeReason == null ? "client_closed" : closeReason;
    if (upstream != null) {
      upstream.close();
    }
    finish();
  }

  private void onUpstreamClosed() {
    closeReason = closeReason == null ? "upstream_closed" : closeReason;
    if (!upstreamPaused) {
      // Nothing is buffered on the upstream side: every byte read has been handed to the client.
      // (Vert.x's close() writes out what is queued before closing the channel.)
      client.close();
      finish();
    }
    // Otherwise the end of stream is delivered, after the buffered bytes, once the client drains.
  }

  private void onUpstreamEnded() {
    closeReason = closeReason == null ? "upstream_closed" : closeReason;
    client.close();
    finish();
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    cancel(handshakeTimer);
    cancel(lifetimeTimer);
    ctx.limiter().release(clientAddr);
    ctx.metrics().activeConnections().decrementAndGet();
    if (established) {
      ctx.metrics().activeTunnels().decrementAndGet();
      emit("egress.close", Outcomes.ALLOWED, closeReason, 0);
    }
  }

  private void deny(int status, String reason) {
    decided = true;
    String outcome = status >= 500 ? Outcomes.ERROR : Outcomes.DENIED;
    emit("egress.connect", outcome, reason, status);
    client.write(Responses.error(status, reason));
    client.close();
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
                method,
                host,
                port,
                address,
                group,
                bytes[0],
                bytes[1],
                now - acceptedMillis));
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      ctx.vertx().cancelTimer(timer);
    }
  }
}
