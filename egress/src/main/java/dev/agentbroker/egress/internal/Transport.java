package dev.agentbroker.egress.internal;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.ThreadFactory;

/**
 * The I/O transport: Netty's native epoll on Linux (edge-triggered, fewer syscalls and no selector
 * garbage per wake-up), NIO elsewhere. {@code auto} picks epoll when its native library loads.
 */
public record Transport(String name, EventLoopGroup group) {

  /** A new unconnected client channel of {@code family}. */
  public ChannelFactory<SocketChannel> clientFactory(InternetProtocolFamily family) {
    if (name.equals(EPOLL)) {
      return () -> new EpollSocketChannel(family);
    }
    SelectorProvider provider = SelectorProvider.provider();
    return () -> new NioSocketChannel(provider, family);
  }

  /** A new listening channel of {@code family}: an IPv4 listener need not be dual-stack. */
  public ChannelFactory<ServerChannel> serverFactory(InternetProtocolFamily family) {
    if (name.equals(EPOLL)) {
      return () -> new EpollServerSocketChannel(family);
    }
    SelectorProvider provider = SelectorProvider.provider();
    return () -> new NioServerSocketChannel(provider, family);
  }

  public static final String AUTO = "auto";
  public static final String EPOLL = "epoll";
  public static final String NIO = "nio";

  /**
   * @param wanted {@code auto}, {@code epoll} or {@code nio}
   * @throws IllegalStateException when {@code epoll} is asked for and cannot be loaded
   */
  public static Transport create(String wanted, int threads) {
    boolean epoll = wanted.equals(EPOLL) || (wanted.equals(AUTO) && Epoll.isAvailable());
    if (epoll && !Epoll.isAvailable()) {
      throw new IllegalStateException(
          "transport: epoll is not available here: " + Epoll.unavailabilityCause());
    }
    // Netty's factory makes FastThreadLocalThreads: the pooled allocator's per-thread caches are
    // much cheaper on them than on plain threads.
    ThreadFactory threadsNamed = new DefaultThreadFactory("egress-loop", true);
    if (epoll) {
      return new Transport(EPOLL, new EpollEventLoopGroup(threads, threadsNamed));
    }
    return new Transport(NIO, new NioEventLoopGroup(threads, threadsNamed));
  }
}
