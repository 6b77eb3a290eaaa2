package io.tsecho.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.tsecho.config.Transport;
import io.tsecho.internal.net.Transports;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A minimal line server that answers as fast as it can, each line with a fixed stamp: the
 * yardstick for the load generator, which must not be the bottleneck. It can also misbehave on
 * purpose, every N-th reply, to prove the load generator notices.
 *
 * <p>{@code java -cp target/test-classes:target/tsecho.jar io.tsecho.testing.ReplyServer PORT} runs it.
 */
public final class ReplyServer implements AutoCloseable {
  /** How the server misbehaves. */
  public enum Fault { NONE, DROP, CORRUPT, TWICE }

  private static final byte[] PREFIX = "[Tue Jan  9 21:14:00 2018] ".getBytes(StandardCharsets.US_ASCII);

  private final EventLoopGroup group;
  private final Channel channel;

  private ReplyServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /** Serves on loopback; {@code fault} hits every {@code every}-th reply of each connection. */
  public static ReplyServer start(int port, Fault fault, int every) throws InterruptedException {
    Transports t = Transports.resolve(Transport.AUTO);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, t.ioHandlerFactory());
    Channel ch = new ServerBootstrap().group(group).channel(t.serverChannel())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            c.pipeline().addLast(new Lines(fault, every));
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    return new ReplyServer(group, ch);
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  public static void main(String[] args) throws Exception {
    ReplyServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 0, Fault.NONE, 1);
    System.err.println("reply server listening on 127.0.0.1:" + server.port());
    server.channel.closeFuture().sync();
  }

  /** Per connection: answers each line, copying it after the fixed stamp, one write per read. */
  private static final class Lines extends ChannelInboundHandlerAdapter {
    private final Fault fault;
    private final int every;
    private ByteBuf carry;
    private long replies;

    Lines(Fault fault, int every) {
      this.fault = fault;
      this.every = every;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      if (carry != null) {
        carry.writeBytes(in);
        in.release();
        in = carry;
        carry = null;
      }
      ByteBuf out = ctx.alloc().ioBuffer(in.readableBytes() * 2);
      int eol;
      while ((eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n')) >= 0) {
        int length = eol + 1 - in.readerIndex();
        boolean hit = fault != Fault.NONE && ++replies % every == 0;
        if (!(hit && fault == Fault.DROP)) {
          int copies = hit && fault == Fault.TWICE ? 2 : 1;
          for (int i = 0; i < copies; i++) {
            out.writeBytes(PREFIX).writeBytes(in, in.readerIndex(), length);
            if (hit && fault == Fault.CORRUPT) {
              out.setByte(out.writerIndex() - 5, 'X');
            }
          }
        }
        in.skipBytes(length);
      }
      if (in.isReadable()) {
        carry = ctx.alloc().buffer(in.readableBytes() * 2).writeBytes(in);
      }
      in.release();
      ctx.write(out);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (carry != null) {
        carry.release();
        carry = null;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
