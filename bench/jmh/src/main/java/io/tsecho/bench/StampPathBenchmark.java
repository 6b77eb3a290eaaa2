package io.tsecho.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tsecho.config.Listener;
import io.tsecho.config.ServerConfig;
import io.tsecho.internal.metrics.ServerMetrics;
import io.tsecho.internal.server.ConnectionLimits;
import io.tsecho.internal.server.ListenerEvents;
import io.tsecho.internal.server.StampHandler;
import io.tsecho.protocol.Stamper;
import io.tsecho.protocol.TimeFormat;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server's hot path for one read batch of 16 pipelined 64-byte lines, as in the harness's
 * 100x16 load: find the lines, stamp them, gather the replies into one buffer. Scores are per line;
 * run with {@code -prof gc} to see the bytes allocated per line. {@code metrics=on} counts the batch
 * as {@code --admin} does (here on a thread without Netty's fast thread-locals, so the lookup of the
 * loop's counters costs more than on a real event loop).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StampPathBenchmark {
  private static final int LINES = 16;

  @Param({"ctime", "rfc3339"})
  public String timeFormat;

  @Param({"off", "on"})
  public String metrics;

  private EmbeddedChannel channel;
  private ByteBuf batch;

  @Setup(Level.Trial)
  public void setUp() {
    Stamper stamper = Stamper.replyPrefix(TimeFormat.parse(timeFormat, ZoneOffset.UTC), Clock.systemUTC());
    ServerConfig config = ServerConfig.builder().partialDelay(Duration.ZERO).idleTimeout(Duration.ZERO).build();
    ListenerEvents events = metrics.equals("on")
        ? new ServerMetrics(config).listener(Listener.parse("stamp/tcp/127.0.0.1:21566"))
        : ListenerEvents.NONE;
    channel = new EmbeddedChannel(new StampHandler(ConnectionLimits.of(config), events, stamper, ch -> false));
    batch = ByteBufAllocator.DEFAULT.directBuffer(LINES * 64); // the server's own allocator
    for (int i = 0; i < LINES; i++) {
      batch.writeBytes(String.format("%063d\n", i).getBytes(StandardCharsets.US_ASCII)); // 64 bytes
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    batch.release();
    channel.finishAndReleaseAll();
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public int readBatch() {
    channel.pipeline().fireChannelRead(batch.retainedDuplicate());
    channel.pipeline().fireChannelReadComplete();
    int bytes = 0;
    ByteBuf reply;
    while ((reply = (ByteBuf) channel.outboundMessages().poll()) != null) {
      bytes += reply.readableBytes();
      reply.release();
    }
    return bytes;
  }
}
