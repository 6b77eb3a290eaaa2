package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import io.netty.channel.socket.DatagramPacket;
import io.tsecho.config.Listener;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.UdpLimits;
import io.tsecho.protocol.Stamper;
import io.tsecho.protocol.TimeFormat;
import io.tsecho.testing.MutableClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TraceStageTest {
  private static final String P = "[Tue Jan  9 21:14:00 2018] ";
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 51234);

  private final MutableClock clock = new MutableClock(Instant.parse("2018-01-09T21:14:00Z"));
  private final Logger log = (Logger) LoggerFactory.getLogger("test.trace");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private EmbeddedChannel channel;

  @BeforeEach
  void listen() {
    lines.start();
    log.addAppender(lines);
    log.setAdditive(false);
    log.setLevel(Level.INFO);
  }

  @AfterEach
  void close() {
    log.detachAppender(lines);
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private List<String> logged() {
    return lines.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, ISO_8859_1);
  }

  private List<String> writes() {
    List<String> out = new ArrayList<>();
    ByteBuf b;
    while ((b = channel.readOutbound()) != null) {
      out.add(b.toString(ISO_8859_1));
      b.release();
    }
    return out;
  }

  private EmbeddedChannel stampConnection() {
    ConnectionLimits limits = ConnectionLimits.of(ServerConfig.builder().build());
    Stamper stamper = Stamper.replyPrefix(TimeFormat.parse("ctime", ZoneOffset.UTC), clock);
    channel = new FrozenTimeChannel(
        new TraceStage.TraceHandler("stamp/tcp/127.0.0.1:21566", PEER, log),
        new StampHandler(limits, stamper, ch -> false));
    return channel;
  }

  @Test
  void aConnectionThatSendsTwoLinesThenHalfClosesIsTracedCallByCall() {
    stampConnection();
    channel.writeInbound(bytes("hello\n"));
    assertThat(writes()).containsExactly(P + "hello\n");
    channel.writeInbound(bytes("world\n"));
    assertThat(writes()).containsExactly(P + "world\n");
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();

    assertThat(logged()).containsExactly(
        "[stamp/tcp/127.0.0.1:21566] accept() -> 127.0.0.1:51234",
        "[127.0.0.1:51234] recv() -> 6 bytes \"hello\\n\"",
        "[127.0.0.1:51234] send(33 bytes \"[Tue Jan  9 21:14:00 2018] hello\\n\")",
        "[127.0.0.1:51234] recv() -> 6 bytes \"world\\n\"",
        "[127.0.0.1:51234] send(33 bytes \"[Tue Jan  9 21:14:00 2018] world\\n\")",
        "[127.0.0.1:51234] recv() -> 0 bytes (end of stream)",
        "[127.0.0.1:51234] close()");
    assertThat(lines.list).allMatch(e -> e.getLevel() == Level.INFO);
  }

  @Test
  void twoLinesInOneReadAreOneRecvAndTheirRepliesOneSend() {
    stampConnection();
    channel.writeInbound(bytes("a\nb\n"));
    assertThat(writes()).containsExactly(P + "a\n" + P + "b\n");
    assertThat(logged()).containsExactly(
        "[stamp/tcp/127.0.0.1:21566] accept() -> 127.0.0.1:51234",
        "[127.0.0.1:51234] recv() -> 4 bytes \"a\\nb\\n\"",
        "[127.0.0.1:51234] send(58 bytes \"[Tue Jan  9 21:14:00 2018] a\\n[Tue Jan  9 21:14:00 2018] b\\n\")");
  }

  @Test
  void theServersHalfCloseAndAnErrorAreTracedToo() {
    stampConnection();
    channel.pipeline().fireUserEventTriggered(ChannelOutputShutdownEvent.INSTANCE);
    channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
    channel.runPendingTasks();
    assertThat(logged()).containsExactly(
        "[stamp/tcp/127.0.0.1:21566] accept() -> 127.0.0.1:51234",
        "[127.0.0.1:51234] shutdown(SHUT_WR)",
        "[127.0.0.1:51234] error: Connection reset by peer",
        "[127.0.0.1:51234] close()");
  }

  @Test
  void emptyWritesAreNotSends() {
    stampConnection();
    channel.writeAndFlush(Unpooled.EMPTY_BUFFER);
    assertThat(logged()).containsExactly("[stamp/tcp/127.0.0.1:21566] accept() -> 127.0.0.1:51234");
  }

  @Test
  void aDatagramIsARecvfromAndItsReplyASendto() {
    Clocks clocks = new Clocks(ServerConfig.builder().zone(ZoneOffset.UTC).build(), clock);
    channel = new FrozenTimeChannel(
        new DatagramTraceHandler(Listener.parse("stamp/udp/127.0.0.1:21566"), log),
        new DatagramServiceHandler(Service.STAMP, clocks, new UdpLimits(0, 0, false, 65507, 64),
            new UdpDrops(), System::nanoTime));
    InetSocketAddress sender = new InetSocketAddress("127.0.0.1", 40000);
    channel.writeInbound(new DatagramPacket(bytes("hi\n"), new InetSocketAddress("127.0.0.1", 21566), sender));
    DatagramPacket reply = channel.readOutbound();
    try {
      assertThat(reply.content().toString(ISO_8859_1)).isEqualTo(P + "hi\n");
      assertThat(reply.recipient()).isEqualTo(sender);
    } finally {
      reply.release();
    }
    // An EmbeddedChannel's local address is not an IP socket's: the listener is named by what it has.
    assertThat(logged()).containsExactly(
        "[stamp/udp/embedded] recvfrom() -> 3 bytes \"hi\\n\" from 127.0.0.1:40000",
        "[stamp/udp/embedded] sendto(30 bytes \"[Tue Jan  9 21:14:00 2018] hi\\n\", 127.0.0.1:40000)");
  }
}
