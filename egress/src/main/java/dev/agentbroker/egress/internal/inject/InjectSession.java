package dev.agentbroker.egress.internal.inject;

import dev.agentbroker.egress.internal.inject.InjectRouter.Credential;
import dev.agentbroker.egress.internal.inject.InjectRouter.Verdict;
import dev.agentbroker.egress.internal.inject.RunRegistry.Run;
import dev.agentbroker.egress.internal.inject.TokenSource.Lease;
import dev.agentbroker.egress.internal.inject.TokenSource.MintException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One intercepted CONNECT tunnel, on its event loop: TLS toward the client with a leaf for the
 * CONNECT host, TLS toward the real upstream (verified), and HTTP/1.1 exchanges in between, one at
 * a time. Each request is decided by {@link InjectRouter}; an allowed one goes upstream without
 * whatever {@code Authorization} the client sent and with the run's token instead. Bodies stream in
 * both directions (chunked or sized) with backpressure; nothing is buffered whole.
 */
public final class InjectSession {
  private static final int IDLE = 0;
  private static final int AWAIT_TOKEN = 1;
  private static final int SENDING = 2;
  private static final int AWAIT_RESPONSE = 3;
  private static final int DISCARD = 4;
  private static final int CLOSING = 5;

  /** Client messages queued while a request waits for its token or its response. */
  private static final int MAX_QUEUED = 64;

  private final Injector injector;
  private final Channel client;
  private final Channel upstream;
  private final String host;
  private final int port;
  private final RequestAudit.Context who;
  private final ArrayDeque<HttpObject> inbox = new ArrayDeque<>();
  private int state = IDLE;
  private long lastActive = System.nanoTime();
  private long bytesUp;
  private long bytesDown;
  private String closeReason;

  // The exchange in progress.
  private RequestAudit.Exchange exchange;
  private boolean closeAfter;
  private boolean dropInterim;
  private boolean requestDone;

  InjectSession(
      Injector injector,
      Channel client,
      Channel upstream,
      String host,
      int port,
      RequestAudit.Context who) {
    this.injector = injector;
    this.client = client;
    this.upstream = upstream;
    this.host = host;
    this.port = port;
    this.who = who;
  }

  /**
   * Answers the CONNECT, then puts TLS and HTTP framing on both channels. {@code upstreamHandler}
   * (the plain relay) is removed from the upstream pipeline; bytes the client sent early are fed
   * through the new client pipeline.
   */
  public void start(byte[] leftover, List<ByteBuf> early, ByteBuf established) {
    client.writeAndFlush(established);
    upstream.pipeline().remove(upstream.pipeline().last());
    upstream
        .pipeline()
        .addLast(
            injector.upstreamTls(upstream.alloc(), host, port),
            new HttpClientCodec(4096, 16384, 65536),
            new UpstreamSide());
    client
        .pipeline()
        .addFirst(new ClientSide())
        .addFirst(new HttpServerCodec(8192, 16384, 65536))
        .addFirst(injector.ca().serverContext(host).newHandler(client.alloc()));
    if (leftover.length > 0) {
      client.pipeline().fireChannelRead(Unpooled.wrappedBuffer(leftover));
    }
    if (early != null) {
      early.forEach(b -> client.pipeline().fireChannelRead(b));
    }
    client.pipeline().fireChannelReadComplete();
    upstream.config().setAutoRead(true);
    client.config().setAutoRead(true);
  }

  public long lastActive() {
    return lastActive;
  }

  public long bytesUp() {
    return bytesUp;
  }

  public long bytesDown() {
    return bytesDown;
  }

  /** Why the session closed the connection itself, or null. */
  public String closeReason() {
    return closeReason;
  }

  // ---- client → upstream ----

  private void drain() {
    while (!inbox.isEmpty() && state != AWAIT_TOKEN && state != AWAIT_RESPONSE) {
      HttpObject m = inbox.poll();
      if (state == IDLE) {
        if (m instanceof HttpRequest r) {
          begin(r);
        }
        if (m instanceof LastHttpContent && state == DISCARD) {
          close("refused");
        }
        ReferenceCountUtil.release(m);
      } else if (state == SENDING) {
        forward((HttpContent) m);
      } else if (state == DISCARD) {
        if (m instanceof LastHttpContent) {
          close("refused");
        }
        ReferenceCountUtil.release(m);
      } else {
        ReferenceCountUtil.release(m);
      }
    }
    readClient();
  }

  private void begin(HttpRequest req) {
    lastActive = System.nanoTime();
    requestDone = false;
    closeAfter = !HttpUtil.isKeepAlive(req);
    String method = req.method().name();
    if (req.decoderResult().isFailure()) {
      exchange = injector.audit().begin(who, method, "-", "-");
      refuse(400, "bad_request", req);
      return;
    }
    Run run = injector.runs().run(who.user());
    Verdict v = InjectRouter.decide(host, method, req.uri(), run == null ? null : run.grant());
    exchange = injector.audit().begin(who.withRun(run), method, v.template(), v.repository());
    if (!v.allowed()) {
      refuse(v.status(), v.reason(), req);
      return;
    }
    state = AWAIT_TOKEN;
    CompletableFuture<Lease> token =
        v.credential() == Credential.NONE
            ? CompletableFuture.completedFuture(null)
            : injector.runs().token(run);
    if (token.isDone()) {
      tokenReady(req, v, token);
    } else {
      token.whenComplete((l, e) -> client.eventLoop().execute(() -> tokenReady(req, v, token)));
    }
  }

  private void tokenReady(HttpRequest req, Verdict v, CompletableFuture<Lease> token) {
    if (state != AWAIT_TOKEN) {
      return;
    }
    Lease lease;
    try {
      lease = token.join();
    } catch (CompletionException e) {
      String code = e.getCause() instanceof MintException m ? m.code() : "internal";
      exchange.detail("mint_code", code);
      refuse(
          code.equals("run_ended") ? 403 : 502,
          code.equals("run_ended") ? "no_run" : "mint_failed",
          req);
      return;
    }
    boolean expect = HttpUtil.is100ContinueExpected(req);
    exchange.allowed(v.reason());
    upstream.write(
        InjectHttp.upstreamRequest(req, host, port, v.credential(), lease), upstream.voidPromise());
    if (expect) {
      // The proxy answers the expectation itself (it has decided); the upstream sees no Expect.
      client.writeAndFlush(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    state = SENDING;
    upstream.flush();
    drain();
  }

  private void forward(HttpContent c) {
    lastActive = System.nanoTime();
    int n = c.content().readableBytes();
    bytesUp += n;
    exchange.up(n);
    boolean last = c instanceof LastHttpContent;
    upstream.write(c, upstream.voidPromise());
    if (last) {
      requestDone = true;
      upstream.flush();
      state = AWAIT_RESPONSE;
    } else if (!upstream.isWritable()) {
      upstream.flush();
    }
  }

  /** Client reads go on while a request streams or none is in progress, and the upstream drains. */
  private void readClient() {
    boolean read =
        (state == IDLE || state == SENDING || state == DISCARD)
            && inbox.size() < MAX_QUEUED
            && (state == DISCARD || upstream.isWritable());
    client.config().setAutoRead(read);
  }

  private void refuse(int status, String reason, HttpRequest req) {
    exchange.refused(status, reason);
    // Recorded before it is answered: a refusal the client has seen is always in the log.
    injector.audit().end(exchange, status);
    client.writeAndFlush(InjectHttp.problem(status, reason));
    exchange = null;
    if (req == null || HttpUtil.is100ContinueExpected(req)) {
      // The client waits for 100 before its body: nothing more will come worth reading.
      close("refused");
    } else {
      state = DISCARD;
    }
  }

  private void close(String reason) {
    state = CLOSING;
    closeReason = closeReason == null ? reason : closeReason;
    inbox.forEach(ReferenceCountUtil::release);
    inbox.clear();
    client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    upstream.close();
  }

  /** Handler at the client's HTTP end. */
  private final class ClientSide extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      if (state == CLOSING || !(msg instanceof HttpObject o)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      lastActive = System.nanoTime();
      inbox.add(o);
      drain();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext c) {
      upstream.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext c) {
      if (client.isWritable()) {
        upstream.config().setAutoRead(true);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
      // TLS failures (a client that does not trust the CA) and resets end the tunnel quietly.
      close("client_error");
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
      state = CLOSING;
      inbox.forEach(ReferenceCountUtil::release);
      inbox.clear();
      if (exchange != null) {
        injector.audit().end(exchange, 0);
        exchange = null;
      }
      upstream.close();
      c.fireChannelInactive();
    }
  }

  /** Handler at the upstream's HTTP end. */
  private final class UpstreamSide extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      lastActive = System.nanoTime();
      if (exchange == null || state == CLOSING) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpResponse r) {
        int code = r.status().code();
        if (code >= 100 && code < 200) {
          // Interim answers: the proxy answered Expect itself; 101 (upgrade) is not relayed.
          dropInterim = true;
          ReferenceCountUtil.release(msg);
          if (code == 101) {
            close("upgrade_refused");
          }
          return;
        }
        dropInterim = false;
        exchange.status(code);
        closeAfter |= !HttpUtil.isKeepAlive(r);
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status());
        out.headers().set(r.headers());
        if (closeAfter) {
          out.headers().set(HttpHeaderNames.CONNECTION, "close");
        }
        client.write(out, client.voidPromise());
      }
      if (msg instanceof HttpContent content) {
        if (dropInterim) {
          ReferenceCountUtil.release(msg);
          if (msg instanceof LastHttpContent) {
            dropInterim = false;
          }
          return;
        }
        int n = content.content().readableBytes();
        bytesDown += n;
        exchange.down(n);
        client.write(content, client.voidPromise());
        if (msg instanceof LastHttpContent) {
          finishExchange();
          return;
        }
      }
      if (!client.isWritable()) {
        client.flush();
        if (!client.isWritable()) {
          upstream.config().setAutoRead(false);
        }
      }
    }

    private void finishExchange() {
      injector.audit().end(exchange, exchange.status());
      exchange = null;
      client.flush();
      if (closeAfter || !requestDone) {
        close("upstream_closed");
        return;
      }
      state = IDLE;
      drain();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext c) {
      client.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext c) {
      readClient();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
      if (exchange != null && exchange.status() == 0) {
        exchange.detail("upstream_error", cause.getClass().getSimpleName());
      }
      c.channel().close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
      if (state != CLOSING) {
        if (exchange != null && exchange.status() == 0 && state != DISCARD) {
          // Nothing answered yet: tell the client the upstream failed, then close.
          refuse(502, "upstream_failed", null);
        }
        close("upstream_closed");
      }
    }
  }
}
