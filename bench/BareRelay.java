import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.*;
import io.netty.channel.epoll.*;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.*;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Reference point for bench/egress-bench.sh (BARE_RELAY=1): the least a Netty CONNECT relay can do
 * per tunnel -- no policy, no limits, no logging, no audit, no metrics, no timeouts. Not a proxy to
 * deploy: it relays to any host it is asked for. Run as a single-file program:
 * java -cp NETTY_JARS bench/BareRelay.java PORT
 */
public class BareRelay {
  static final byte[] OK = "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  public static void main(String[] a) throws Exception {
    boolean epoll = !"nio".equals(System.getProperty("transport"));
    EventLoopGroup g = epoll ? new EpollEventLoopGroup(2) : new NioEventLoopGroup(2);
    Class<? extends ServerChannel> sc = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Class<? extends Channel> cc = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    ServerBootstrap b = new ServerBootstrap().group(g).channel(sc)
      .childOption(ChannelOption.TCP_NODELAY, true)
      .childOption(ChannelOption.AUTO_READ, true)
      .childHandler(new ChannelInitializer<Channel>() {
        protected void initChannel(Channel ch) { ch.pipeline().addLast(new Head(cc)); }
      });
    b.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(a[0]))).sync();
    System.out.println("listening " + a[0] + " epoll=" + epoll);
    Thread.currentThread().join();
  }
  static final class Head extends ChannelInboundHandlerAdapter {
    final Class<? extends Channel> cc; ByteBuf acc;
    Head(Class<? extends Channel> cc) { this.cc = cc; }
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      if (acc == null) acc = in; else { acc = Unpooled.wrappedBuffer(acc, in); }
      String s = acc.toString(StandardCharsets.ISO_8859_1);
      int end = s.indexOf("\r\n\r\n");
      if (end < 0) return;
      String line = s.substring(0, s.indexOf("\r\n"));
      String hp = line.split(" ")[1];
      int c = hp.lastIndexOf(':');
      String host = hp.substring(0, c); int port = Integer.parseInt(hp.substring(c + 1));
      acc.release(); acc = null;
      ctx.channel().config().setAutoRead(false);
      InetAddress addr;
      try { addr = InetAddress.getByName(host); } catch (Exception e) { ctx.close(); return; }
      Channel client = ctx.channel();
      new Bootstrap().group(client.eventLoop()).channel(cc).option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.AUTO_READ, false)
        .handler(new Relay(client))
        .connect(new InetSocketAddress(addr, port)).addListener((ChannelFutureListener) f -> {
          if (!f.isSuccess()) { client.close(); return; }
          Channel up = f.channel();
          client.pipeline().remove(Head.this);
          client.pipeline().addLast(new Relay(up));
          client.writeAndFlush(Unpooled.wrappedBuffer(OK));
          client.config().setAutoRead(true);
          up.config().setAutoRead(true);
        });
    }
  }
  static final class Relay extends ChannelInboundHandlerAdapter {
    final Channel peer; Relay(Channel p) { peer = p; }
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      peer.write(msg);
    }
    public void channelReadComplete(ChannelHandlerContext ctx) {
      peer.flush();
      if (!peer.isWritable()) ctx.channel().config().setAutoRead(false);
    }
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      peer.config().setAutoRead(ctx.channel().isWritable());
    }
    public void channelInactive(ChannelHandlerContext ctx) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) { ctx.close(); }
  }
}
