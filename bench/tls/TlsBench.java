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
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load for a TLS listener, to compare TLS servers: full TLS 1.3 handshakes per second (each
 * connection connects, handshakes, closes, again, without resumption), or stamped messages per
 * second over long-lived connections (closed loop, N connections x D lines in flight), with each
 * line's latency from its send to its reply. Reports the rate, p50 and p99, and the server's CPU
 * time per operation, read from /proc (summed over the server's processes, for a TLS terminator in
 * front of a plain server), which does not depend on whether this client kept up. Run by
 * bench/tls.sh; not part of ./mvnw verify.
 *
 * <p>usage: java -cp tsecho.jar bench/tls/TlsBench.java MODE PORT SERVER_PID[,PID...] [key=value
 * ...], MODE handshakes | messages | plain-messages; keys: seconds, warmup, connections, depth,
 * size, concurrency, client (jdk | openssl), label and record (a file to which a messages run adds
 * one tab-separated line: label, messages/s, p50 us, p99 us, server CPU us/message, failures).
 */
public final class TlsBench {
  private static final LongAdder done = new LongAdder();
  private static final LongAdder failed = new LongAdder();
  private static final AtomicBoolean running = new AtomicBoolean(true);
  /** Send-to-reply latency of each line, in nanoseconds. */
  private static final Recorder latency = new Recorder(3);
  private static volatile String cipher = "none";

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int port = Integer.parseInt(args[1]);
    long[] serverPids = Arrays.stream(args[2].split(",")).mapToLong(Long::parseLong).toArray();
    Map<String, String> o = new HashMap<>();
    for (int i = 3; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      o.put(kv[0], kv[1]);
    }
    int seconds = Integer.parseInt(o.getOrDefault("seconds", "10"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "3"));
    boolean handshakes = mode.equals("handshakes");
    SslProvider clientEngine = o.getOrDefault("client", "openssl").equals("openssl") ? SslProvider.OPENSSL : SslProvider.JDK;
    SslContext tls = mode.equals("plain-messages") ? null : SslContextBuilder.forClient().sslProvider(clientEngine)
        .protocols("TLSv1.3").trustManager(InsecureTrustManagerFactory.INSTANCE).build();

    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      if (handshakes) {
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
        Arrays.fill(line, (byte) 'x');
        line[size - 1] = '\n';
        Bootstrap b = bootstrap(group, port, tls, () -> new ClosedLoop(line, depth));
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
          channels.add(b.connect().sync().channel());
        }
      }
      Thread.sleep(warmup * 1000L);
      latency.reset(); // the warm-up's lines, and the first ones that waited for a handshake
      long ops0 = done.sum();
      long cpu0 = cpuTicks(serverPids);
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long ops = done.sum() - ops0;
      long cpu = cpuTicks(serverPids) - cpu0;
      double elapsed = (System.nanoTime() - t0) / 1e9;
      Histogram measured = latency.getIntervalHistogram();
      running.set(false);
      double cpuSeconds = cpu / 100.0; // USER_HZ
      double rate = ops / elapsed;
      double cpuPerOp = ops == 0 ? 0 : 1e6 * cpuSeconds / ops;
      String client = tls == null ? "plain" : clientEngine.name().toLowerCase();
      if (handshakes) {
        System.out.printf("handshakes client=%s: %.0f handshakes/s, server CPU %.1f%% of a core, %.1f us per"
            + " handshake, failures %d%n", client, rate, 100 * cpuSeconds / elapsed, cpuPerOp, failed.sum());
        return;
      }
      long p50 = Math.round(measured.getValueAtPercentile(50) / 1e3);
      long p99 = Math.round(measured.getValueAtPercentile(99) / 1e3);
      System.out.printf("%s %sx%s client=%s cipher=%s: %.0f messages/s, p50 %d us, p99 %d us, server CPU %.1f%% of a"
          + " core, %.1f us per message, failures %d%n", mode, o.getOrDefault("connections", "100"),
          o.getOrDefault("depth", "16"), client, cipher, rate, p50, p99, 100 * cpuSeconds / elapsed, cpuPerOp,
          failed.sum());
      if (o.containsKey("record")) {
        String row = String.format("%s\t%.0f\t%d\t%d\t%.2f\t%d%n", o.getOrDefault("label", mode), rate, p50, p99,
            cpuPerOp, failed.sum());
        Files.writeString(Path.of(o.get("record")), row, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private static Bootstrap bootstrap(EventLoopGroup group, int port, SslContext tls,
      Supplier<ChannelInboundHandlerAdapter> handler) {
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

  /**
   * Keeps {@code depth} lines in flight: each reply (one newline) records its line's latency and
   * sends the next line. Replies come back in the order the lines went out, so the send times wait
   * in a ring of {@code depth}.
   */
  private static final class ClosedLoop extends ChannelInboundHandlerAdapter {
    private final byte[] line;
    private final long[] sentAt;
    private int oldest;
    private int inFlight;

    ClosedLoop(byte[] line, int depth) {
      this.line = line;
      this.sentAt = new long[depth];
    }

    private void send(ChannelHandlerContext ctx, int n, long now) {
      ByteBuf out = ctx.alloc().buffer(n * line.length);
      for (int i = 0; i < n; i++) {
        out.writeBytes(line);
        sentAt[(oldest + inFlight++) % sentAt.length] = now;
      }
      ctx.write(out);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      send(ctx, sentAt.length, System.nanoTime());
      ctx.flush();
      ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent && ((SslHandshakeCompletionEvent) evt).isSuccess()) {
        cipher = ctx.pipeline().get(SslHandler.class).engine().getSession().getCipherSuite();
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      long now = System.nanoTime();
      int replies = 0;
      for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
        if (in.getByte(i) == '\n' && inFlight > 0) {
          replies++;
          latency.recordValue(now - sentAt[oldest]);
          oldest = (oldest + 1) % sentAt.length;
          inFlight--;
        }
      }
      in.release();
      if (replies > 0) {
        done.add(replies);
        if (running.get()) {
          send(ctx, replies, now);
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

  /** utime + stime of the processes, in clock ticks. */
  private static long cpuTicks(long[] pids) throws IOException {
    long ticks = 0;
    for (long pid : pids) {
      String stat;
      try {
        stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      } catch (NoSuchFileException gone) {
        System.err.println("TlsBench: the server's process " + pid + " has exited");
        System.exit(1);
        return 0;
      }
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
    }
    return ticks;
  }
}
