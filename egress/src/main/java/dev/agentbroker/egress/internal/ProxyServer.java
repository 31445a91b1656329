package dev.agentbroker.egress.internal;

import dev.agentbroker.egress.EgressConfig;
import dev.agentbroker.egress.Resolver;
import dev.agentbroker.egress.internal.inject.Injector;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/** The Netty side of the proxy: event loops, listening sockets, the upstream connector. */
public final class ProxyServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("dev.agentbroker.egress");

  /**
   * Outbound buffering per direction before the other side stops reading: large enough for bulk
   * transfers to keep both sockets busy, small enough that 4096 stalled tunnels stay bounded.
   */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

  /** Blocking DNS lookups only happen on cache misses; a small pool with a bounded queue. */
  private static final int RESOLVE_THREADS = 8;

  private static final int RESOLVE_QUEUE = 1024;

  private final Transport transport;
  private final List<Channel> servers;
  private final List<InetSocketAddress> listening;
  private final Map<EventLoop, Sweeper> sweepers;
  private final ThreadPoolExecutor resolvers;

  private ProxyServer(
      Transport transport,
      List<Channel> servers,
      List<InetSocketAddress> listening,
      Map<EventLoop, Sweeper> sweepers,
      ThreadPoolExecutor resolvers) {
    this.transport = transport;
    this.servers = servers;
    this.listening = List.copyOf(listening);
    this.sweepers = sweepers;
    this.resolvers = resolvers;
  }

  public static ProxyServer start(
      EgressConfig config,
      Supplier<Allowlist> allowlist,
      Resolver resolver,
      DecisionSink decisions,
      ProxyMetrics metrics,
      Clock clock,
      Injector injector)
      throws Exception {
    Transport transport = Transport.create(config.transport(), config.eventLoops());
    ThreadPoolExecutor resolvers =
        new ThreadPoolExecutor(
            RESOLVE_THREADS,
            RESOLVE_THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(RESOLVE_QUEUE),
            DaemonThreads.named("egress-resolve"));
    resolvers.allowCoreThreadTimeOut(true);
    Map<EventLoop, Sweeper> sweepers = new IdentityHashMap<>();
    for (EventExecutor e : transport.group()) {
      EventLoop loop = (EventLoop) e;
      Sweeper s = new Sweeper(loop, metrics);
      sweepers.put(loop, s);
      s.start();
    }
    List<Channel> servers = new ArrayList<>();
    ProxyServer server =
        new ProxyServer(transport, servers, List.of(), Map.copyOf(sweepers), resolvers);
    try {
      var limits = config.limits();
      Bootstrap upstream =
          new Bootstrap()
              // Addresses are resolved and checked by the proxy; Netty must never resolve.
              .resolver(NoopAddressResolverGroup.INSTANCE)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.AUTO_READ, false)
              // Connect timeouts are the sweeper's (no timer per connect).
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
              .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
      Bootstrap upstream4 =
          upstream.clone().channelFactory(transport.clientFactory(InternetProtocolFamily.IPv4));
      Bootstrap upstream6 =
          upstream.clone().channelFactory(transport.clientFactory(InternetProtocolFamily.IPv6));
      ProxyContext ctx =
          new ProxyContext(
              upstream4,
              upstream6,
              allowlist,
              resolver,
              resolvers,
              limits,
              decisions,
              metrics,
              new Limiter(limits.maxTunnelsPerClient(), limits.maxTunnelsTotal()),
              clock,
              Map.copyOf(sweepers),
              injector);
      List<InetSocketAddress> bound = new ArrayList<>();
      for (InetSocketAddress at : config.listen()) {
        bound.add(listen(transport, ctx, at, servers));
      }
      return new ProxyServer(transport, servers, bound, Map.copyOf(sweepers), resolvers);
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  /**
   * With epoll, one listening socket per event loop on the same address (SO_REUSEPORT): the kernel
   * spreads connections across them and each loop accepts its own, so no accepted connection is
   * handed from one thread to another. The kernel only lets sockets of the same user share a port.
   * NIO has one acceptor that hands connections out round-robin.
   */
  private static InetSocketAddress listen(
      Transport transport, ProxyContext ctx, InetSocketAddress at, List<Channel> servers)
      throws InterruptedException {
    boolean reusePort = transport.name().equals(Transport.EPOLL);
    List<EventLoop> loops = new ArrayList<>();
    if (reusePort) {
      for (EventExecutor e : transport.group()) {
        loops.add((EventLoop) e);
      }
    }
    InetSocketAddress actual = at;
    int n = reusePort ? loops.size() : 1;
    for (int i = 0; i < n; i++) {
      ServerBootstrap b =
          new ServerBootstrap()
              .channelFactory(
                  transport.serverFactory(
                      at.getAddress() instanceof Inet4Address
                          ? InternetProtocolFamily.IPv4
                          : InternetProtocolFamily.IPv6))
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ProxyConnection.accept(ctx, ch);
                    }
                  });
      if (reusePort) {
        b.group(loops.get(i), loops.get(i)).option(EpollChannelOption.SO_REUSEPORT, true);
      } else {
        b.group(transport.group(), transport.group());
      }
      Channel ch = b.bind(actual).sync().channel();
      servers.add(ch);
      // Port 0: the first socket picks the port, the others join it.
      actual = (InetSocketAddress) ch.localAddress();
    }
    return actual;
  }

  public List<InetSocketAddress> listening() {
    return listening;
  }

  public String transport() {
    return transport.name();
  }

  /** Stops accepting, closes every connection (their close events are emitted), stops loops. */
  @Override
  public void close() {
    for (Channel ch : servers) {
      ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    sweepers.values().forEach(Sweeper::stop);
    try {
      transport.group().shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!transport.group().isTerminated()) {
      LOG.warning("event loops did not stop within 10 s");
    }
    resolvers.shutdownNow();
  }
}
