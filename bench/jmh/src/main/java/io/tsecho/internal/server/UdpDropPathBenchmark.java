package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.UdpLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A UDP flood that the server drops: each datagram goes through the handler's checks and is
 * counted, never answered. Run with {@code -prof gc}: the bytes allocated per datagram must be 0,
 * since a flood is exactly when allocation hurts. In package {@code io.tsecho.internal.server} to call the
 * handler directly, so the benchmark itself allocates nothing per datagram either.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UdpDropPathBenchmark {

  /** Why each datagram is dropped, and from what kind of source. */
  @Param({"source-rate-ipv4", "source-rate-ipv6", "low-port-ipv4"})
  public String drop;

  private EmbeddedChannel channel;
  private DatagramServiceHandler handler;
  private ChannelHandlerContext ctx;
  private DatagramPacket packet;

  @Setup(Level.Trial)
  public void setUp() throws UnknownHostException {
    ServerConfig config = ServerConfig.builder().build();
    UdpLimits limits = new UdpLimits(1, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM);
    handler = new DatagramServiceHandler(Service.STAMP, new Clocks(config, Clock.systemUTC()), limits, new UdpDrops(),
        System::nanoTime);
    channel = new EmbeddedChannel(handler);
    ctx = channel.pipeline().context(handler);
    InetAddress source = InetAddress.getByName(drop.endsWith("ipv6") ? "2001:db8::7" : "192.0.2.7");
    int port = drop.startsWith("low-port") ? 19 : 40_000;
    ByteBuf payload = Unpooled.directBuffer(64).writeZero(64);
    packet = new DatagramPacket(payload, new InetSocketAddress("127.0.0.1", 21566), new InetSocketAddress(source, port));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    packet.release();
    channel.finishAndReleaseAll();
  }

  @Benchmark
  public void dropOneDatagram() {
    handler.channelRead0(ctx, packet);
  }
}
