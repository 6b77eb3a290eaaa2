import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load for a tls listener, to compare TLS engines: full TLS 1.3 handshakes per second (each
 * connection connects, handshakes, closes, again, without resumption), or stamped messages per
 * second over long-lived connections (closed loop, N connections x D lines in flight). Reports the
 * rate and the server's CPU time per operation, read from /proc, which does not depend on whether
 * this client kept up. Run by bench/tls.sh; not part of ./mvnw verify.
 *
 * <p>usage: java -cp tsecho.jar[:tcnative jars] bench/tls/TlsBench.java MODE PORT SERVER_PID
 * [key=value ...], MODE handshakes | messages | plain-messages; keys: seconds, warmup, connections,
 * depth, size, concurrency, client (jdk | openssl).
 */
public final class TlsBench {
  private static final LongAdder done = new LongAdder();
  private static final LongAdder failed = new LongAdder();
  private static final LongAdder bytes = new LongAdder();
  private static final AtomicBoolean running = new AtomicBoolean(true);

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int port = Integer.parseInt(args[1]);
    long serverPid = Long.parseLong(args[2]);
    Map<String, String> o = new HashMap<>();
    for (int i = 3; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      o.put(kv[0], kv[1]);
    }
    int seconds = Integer.parseInt(o.getOrDefault("seconds", "10"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "3"));
    SslProvider clientEngine = o.getOrDefault("client", "openssl").equals("openssl") ? SslProvider.OPENSSL : SslProvider.JDK;
    SslContext tls = mode.equals("plain-messages") ? null : SslContextBuilder.forClient().sslProvider(clientEngine)
        .protocols("TLSv1.3").trustManager(InsecureTrustManagerFactory.INSTANCE).build();

    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      if (mode.equals("handshakes")) {
        int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "32"));
        Bootstrap b = bootstrap(group, port, tls, () -> new HandshakeOnly());
        for (int i = 0; i < concurrency; i++) {
          handshakeLoop(b);
        }
      } else {
        int connections = Integer.parseInt(o.getOrDefault("connections", "100"));
        int depth = Integer.parseInt(o.getOrDefault("depth", "16"));
        int size = Integer.parseInt(o.getOrDefault("size", "64"));
        byte[] line = new byte[size];
        java.util.Arrays.fill(line, (byte) 'x');
        line[size - 1] = '\n';
        Bootstrap b = bootstrap(group, port, tls, () -> new ClosedLoop(line, depth));
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
          channels.add(b.connect().sync().channel());
        }
      }
      Thread.sleep(warmup * 1000L);
      long ops0 = done.sum();
      long cpu0 = cpuTicks(serverPid);
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long ops = done.sum() - ops0;
      long cpu = cpuTicks(serverPid) - cpu0;
      double elapsed = (System.nanoTime() - t0) / 1e9;
      running.set(false);
      double cpuSeconds = cpu / 100.0; // USER_HZ
      System.out.printf("%s client=%s: %.0f %s/s, server CPU %.1f%% of a core, %.1f us per %s, failures %d%n",
          mode, tls == null ? "plain" : clientEngine.name().toLowerCase(), ops / elapsed,
          mode.equals("handshakes") ? "handshakes" : "messages", 100 * cpuSeconds / elapsed,
          ops == 0 ? 0 : 1e6 * cpuSeconds / ops, mode.equals("handshakes") ? "handshake" : "message", failed.sum());
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private static Bootstrap bootstrap(EventLoopGroup group, int port, SslContext tls,
      java.util.function.Supplier<ChannelInboundHandlerAdapter> handler) {
    return new Bootstrap().group(group).channel(EpollSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .remoteAddress("127.0.0.1", port)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (tls != null) {
              ch.pipeline().addLast(tls.newHandler(ch.alloc())); // no peer host: no session to resume
            }
            ch.pipeline().addLast(handler.get());
          }
        });
  }

  private static void handshakeLoop(Bootstrap b) {
    if (!running.get()) {
      return;
    }
    b.connect().addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        failed.increment();
        f.channel().eventLoop().schedule(() -> handshakeLoop(b), 10, TimeUnit.MILLISECONDS);
        return;
      }
      f.channel().closeFuture().addListener(c -> handshakeLoop(b));
    });
  }

  /** Counts the handshake and closes. */
  private static final class HandshakeOnly extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent) {
        if (((SslHandshakeCompletionEvent) evt).isSuccess()) {
          done.increment();
        } else {
          failed.increment();
        }
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Keeps {@code depth} lines in flight: each reply (one newline) sends the next line. */
  private static final class ClosedLoop extends ChannelInboundHandlerAdapter {
    private final byte[] line;
    private final int depth;

    ClosedLoop(byte[] line, int depth) {
      this.line = line;
      this.depth = depth;
    }

    private void send(ChannelHandlerContext ctx, int n) {
      ByteBuf out = ctx.alloc().buffer(n * line.length);
      for (int i = 0; i < n; i++) {
        out.writeBytes(line);
      }
      ctx.write(out);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      send(ctx, depth);
      ctx.flush();
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      int replies = 0;
      for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
        if (in.getByte(i) == '\n') {
          replies++;
        }
      }
      bytes.add(in.readableBytes());
      in.release();
      if (replies > 0) {
        done.add(replies);
        if (running.get()) {
          send(ctx, replies);
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failed.increment();
      ctx.close();
    }
  }

  /** utime + stime of a process, in clock ticks. */
  private static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
  }
}
