package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.tsecho.config.AccessRules;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.UdpLimits;
import io.tsecho.protocol.Framing;
import io.tsecho.protocol.Stamper;
import io.tsecho.protocol.TimeFormat;
import io.tsecho.testing.MutableClock;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The services tell a {@link MessageListener} of each message they receive, whole and in order. */
class MessageListenerTest {
  private static final String P = "[Tue Jan  9 21:14:00 2018] ";
  private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 21566);
  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

  private final MutableClock clock = new MutableClock(Instant.parse("2018-01-09T21:14:00Z"));
  private final AtomicBoolean moreInput = new AtomicBoolean();
  private final List<String> received = new ArrayList<>();
  private final List<SocketAddress> senders = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();
  private EmbeddedChannel channel;

  /** Copies each message at once: the buffer is the server's, and may be reused after the call. */
  private final MessageListener recorder = (ch, sender, buffer, index, length) -> {
    received.add(buffer.toString(index, length, ISO_8859_1));
    senders.add(sender);
    channels.add(ch);
  };

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private EmbeddedChannel stamp(Framing framing) {
    ServerConfig config = ServerConfig.builder().framing(framing).partialDelay(Duration.ZERO).build();
    Stamper stamper = Stamper.replyPrefix(TimeFormat.parse("ctime", ZoneOffset.UTC), clock);
    channel = new FrozenTimeChannel(new StampHandler(ConnectionLimits.of(config), ListenerEvents.NONE, stamper,
        ch -> moreInput.get(), null, recorder));
    return channel;
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, ISO_8859_1);
  }

  private String output() {
    StringBuilder out = new StringBuilder();
    Object msg;
    while ((msg = channel.readOutbound()) != null) {
      ByteBuf b = msg instanceof DatagramPacket p ? p.content() : (ByteBuf) msg;
      out.append(b.toString(ISO_8859_1)).append(msg instanceof DatagramPacket ? "|" : "");
      b.release();
    }
    return out.toString();
  }

  @Test
  void eachLineIsReportedWithItsLineEndingBeforeItIsAnswered() {
    stamp(Framing.AUTO);
    channel.writeInbound(bytes("hello\nworld\r\n\n"));
    assertThat(received).containsExactly("hello\n", "world\r\n", "\n");
    assertThat(senders).containsOnly(channel.remoteAddress());
    assertThat(channels).containsOnly(channel);
    assertThat(output()).isEqualTo(P + "hello\n" + P + "world\r\n" + P + "\n");
  }

  @Test
  void aLineThatArrivesInPiecesIsOneMessageAndATrailingPieceIsOneToo() {
    stamp(Framing.AUTO);
    moreInput.set(true);
    channel.writeInbound(bytes("first\nsec"));
    channel.writeInbound(bytes("ond half"));
    assertThat(received).containsExactly("first\n");
    moreInput.set(false);
    channel.writeInbound(bytes(" done\nnext"));
    assertThat(received).containsExactly("first\n", "second half done\n", "next");
    assertThat(output()).isEqualTo(P + "first\n" + P + "second half done\n" + P + "next");
  }

  @Test
  void rawFramingReportsEachRead() {
    stamp(Framing.RAW);
    channel.writeInbound(bytes("a\nb"));
    channel.writeInbound(bytes("c"));
    assertThat(received).containsExactly("a\nb", "c");
  }

  @Test
  void lineFramingReportsNoUnterminatedPiece() {
    stamp(Framing.LINE);
    channel.writeInbound(bytes("a\nb"));
    assertThat(received).containsExactly("a\n");
  }

  @Test
  void echoReportsEachRead() {
    ServerConfig config = ServerConfig.builder().build();
    channel = new FrozenTimeChannel(new EchoHandler(ConnectionLimits.of(config), ListenerEvents.NONE, recorder));
    channel.writeInbound(bytes("ab\n"));
    channel.writeInbound(bytes("c"));
    assertThat(received).containsExactly("ab\n", "c");
    assertThat(output()).isEqualTo("ab\nc");
  }

  @Test
  void eachDatagramIsReportedWithItsSourceAnsweredOrNot() {
    ServerConfig config = ServerConfig.builder().zone(ZoneOffset.UTC).build();
    channel = new EmbeddedChannel(new DatagramServiceHandler(Service.STAMP, new Clocks(config, clock),
        UdpLimits.DEFAULTS, AccessRules.OPEN, new UdpDrops(), ListenerEvents.NONE, new WhoamiHeader("test"), null,
        recorder, () -> 0));
    InetSocketAddress lowPort = new InetSocketAddress("127.0.0.1", 53);
    channel.writeInbound(new DatagramPacket(bytes("one\n"), SERVER, CLIENT));
    channel.writeInbound(new DatagramPacket(bytes("dropped"), SERVER, lowPort));
    channel.writeInbound(new DatagramPacket(bytes("two"), SERVER, CLIENT));
    assertThat(received).containsExactly("one\n", "dropped", "two");
    assertThat(senders).containsExactly(CLIENT, lowPort, CLIENT);
    assertThat(output()).as("the low port is not answered").isEqualTo(P + "one\n|" + P + "two|");
  }
}
