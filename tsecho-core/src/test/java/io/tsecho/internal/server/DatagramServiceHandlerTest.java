package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.UdpLimits;
import io.tsecho.testing.MutableClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DatagramServiceHandlerTest {
  private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 21566);
  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress OTHER = new InetSocketAddress("127.0.0.2", 40000);

  private final MutableClock clock = new MutableClock(Instant.parse("2018-01-09T21:14:00Z"));
  private final AtomicLong nanos = new AtomicLong();
  private final UdpDrops drops = new UdpDrops();
  private EmbeddedChannel channel;

  private EmbeddedChannel open(Service service, UdpLimits limits) {
    ServerConfig config = ServerConfig.builder().zone(ZoneOffset.UTC).build();
    channel = new EmbeddedChannel(new DatagramServiceHandler(service, new Clocks(config, clock), limits, drops, nanos::get));
    return channel;
  }

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private void send(InetSocketAddress from, String payload) {
    channel.writeInbound(new DatagramPacket(Unpooled.copiedBuffer(payload, ISO_8859_1), SERVER, from));
  }

  /** The next reply as text, checking who it goes to; null if none. */
  private String reply(InetSocketAddress to) {
    DatagramPacket p = channel.readOutbound();
    if (p == null) {
      return null;
    }
    try {
      assertThat(p.recipient()).isEqualTo(to);
      return p.content().toString(ISO_8859_1);
    } finally {
      p.release();
    }
  }

  @Test
  void eachDatagramGetsOneStampedReplyToItsSender() {
    open(Service.STAMP, UdpLimits.DEFAULTS);
    send(CLIENT, "hello\r\n\u0000bin");
    assertThat(reply(CLIENT)).isEqualTo("[Tue Jan  9 21:14:00 2018] hello\r\n\u0000bin");
    assertThat(reply(CLIENT)).isNull();
    assertThat(drops.replies()).isEqualTo(1);
  }

  @Test
  void echoDaytimeAndTimeAnswerAsTheirRfcsSay() {
    open(Service.ECHO, UdpLimits.DEFAULTS);
    send(CLIENT, "same bytes");
    assertThat(reply(CLIENT)).isEqualTo("same bytes");
    channel.finishAndReleaseAll();
    open(Service.DAYTIME, UdpLimits.DEFAULTS);
    send(CLIENT, "");
    assertThat(reply(CLIENT)).isEqualTo("Tue Jan  9 21:14:00 2018\r\n");
    channel.finishAndReleaseAll();
    open(Service.TIME, UdpLimits.DEFAULTS);
    send(CLIENT, "");
    assertThat(reply(CLIENT).getBytes(ISO_8859_1)).containsExactly(0xDD, 0xFF, 0xAF, 0x18);
  }

  @Test
  void aSourcePortBelow1024GetsNothingUnlessAllowed() {
    open(Service.ECHO, UdpLimits.DEFAULTS);
    send(new InetSocketAddress("127.0.0.1", 19), "chargen says hi");
    send(new InetSocketAddress("127.0.0.1", 7), "echo loop");
    assertThat(reply(CLIENT)).isNull();
    assertThat(drops.count(UdpDrops.Reason.LOW_PORT)).isEqualTo(2);
    channel.finishAndReleaseAll();
    open(Service.ECHO, new UdpLimits(20, 5000, true, 65_507));
    InetSocketAddress low = new InetSocketAddress("127.0.0.1", 1023);
    send(low, "allowed");
    assertThat(reply(low)).isEqualTo("allowed");
  }

  @Test
  void aFloodFromOneSourceIsThrottledWhileAnotherIsStillAnswered() {
    open(Service.STAMP, new UdpLimits(5, 0, false, 65_507));
    int answered = 0;
    for (int i = 0; i < 100; i++) {
      send(CLIENT, "flood " + i);
      if (reply(CLIENT) != null) {
        answered++;
      }
    }
    assertThat(answered).isEqualTo(5);
    assertThat(drops.count(UdpDrops.Reason.SOURCE_RATE)).isEqualTo(95);
    send(OTHER, "innocent");
    assertThat(reply(OTHER)).endsWith("innocent");
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
    send(CLIENT, "later");
    assertThat(reply(CLIENT)).as("one token back after 1/5 s").endsWith("later");
  }

  @Test
  void aFloodFromManyPortsOfOneAddressSharesThatAddressesRate() {
    open(Service.STAMP, new UdpLimits(5, 0, false, 65_507));
    int answered = 0;
    for (int port = 40_000; port < 41_000; port++) {
      InetSocketAddress from = new InetSocketAddress("127.0.0.1", port);
      send(from, "from port " + port);
      if (reply(from) != null) {
        answered++;
      }
    }
    assertThat(answered).isEqualTo(5);
    assertThat(drops.count(UdpDrops.Reason.SOURCE_RATE)).isEqualTo(995);
  }

  @Test
  void ipv6SourcesAreRateLimitedPerSlash64() throws Exception {
    open(Service.ECHO, new UdpLimits(5, 0, false, 65_507));
    int answered = 0;
    for (int host = 1; host <= 1000; host++) {
      InetSocketAddress from = new InetSocketAddress(InetAddress.getByName("2001:db8:0:1::" + Integer.toHexString(host)), 40000);
      send(from, "x");
      if (reply(from) != null) {
        answered++;
      }
    }
    assertThat(answered).as("one /64, cycling through its addresses").isEqualTo(5);
    InetSocketAddress neighbour = new InetSocketAddress(InetAddress.getByName("2001:db8:0:2::1"), 40000);
    send(neighbour, "next /64");
    assertThat(reply(neighbour)).isEqualTo("next /64");
  }

  @Test
  void aLongerIpv6PrefixGivesEachAddressItsOwnRate() throws Exception {
    open(Service.ECHO, new UdpLimits(5, 0, false, 65_507, 128));
    for (int host = 1; host <= 50; host++) {
      InetSocketAddress from = new InetSocketAddress(InetAddress.getByName("2001:db8:0:1::" + host), 40000);
      send(from, "x");
      assertThat(reply(from)).as("host %d", host).isEqualTo("x");
    }
  }

  @Test
  void aReplyThatFindsTheSendQueueFullIsDroppedAndCounted() {
    ServerConfig config = ServerConfig.builder().zone(ZoneOffset.UTC).build();
    SlowReaderChannel slow = new SlowReaderChannel(new WriteBufferWaterMark(1000, 2000),
        new DatagramServiceHandler(Service.ECHO, new Clocks(config, clock), new UdpLimits(0, 0, false, 65_507), drops,
            nanos::get));
    channel = slow;
    for (int i = 0; i < 10; i++) {
      send(CLIENT, "d".repeat(500));
    }
    assertThat(drops.replies()).as("until the queue passes 2000 bytes").isEqualTo(4);
    assertThat(drops.count(UdpDrops.Reason.SEND_QUEUE_FULL)).isEqualTo(6);
    slow.clientReadsAll();
    send(CLIENT, "after");
    slow.clientReadsAll();
    int replies = 0;
    for (DatagramPacket p; (p = slow.readOutbound()) != null; p.release()) {
      replies++;
    }
    assertThat(replies).isEqualTo(5);
  }

  @Test
  void theGlobalBudgetCapsAllSourcesTogether() {
    open(Service.ECHO, new UdpLimits(0, 3, false, 65_507));
    for (int i = 0; i < 4; i++) {
      send(new InetSocketAddress("127.0.0." + (i + 1), 40000), "x");
    }
    int answered = 0;
    while (channel.readOutbound() instanceof DatagramPacket p) {
      p.release();
      answered++;
    }
    assertThat(answered).isEqualTo(3);
    assertThat(drops.count(UdpDrops.Reason.GLOBAL_BUDGET)).isEqualTo(1);
  }

  @Test
  void aPayloadWhoseReplyWouldNotFitGetsAShortErrorDatagram() {
    open(Service.STAMP, new UdpLimits(20, 5000, false, 100));
    send(CLIENT, "x".repeat(73));
    assertThat(reply(CLIENT)).hasSize(27 + 73);
    send(CLIENT, "x".repeat(74));
    assertThat(reply(CLIENT)).isEqualTo("tsecho error: reply would not fit a datagram; send at most 73 bytes\n");
    assertThat(drops.count(UdpDrops.Reason.TOO_LARGE)).isEqualTo(1);
  }

  /** The amplification bound, for every service and request size from empty up. */
  @ParameterizedTest
  @EnumSource(Service.class)
  void noReplyIsMoreThan64BytesLargerThanItsRequest(Service service) {
    open(service, new UdpLimits(0, 0, false, 65_507));
    for (int size = 0; size <= 300; size++) {
      send(CLIENT, "y".repeat(size));
      String reply = reply(CLIENT);
      assertThat(reply).isNotNull();
      assertThat(reply.length()).as("%s reply to %d bytes", service, size).isLessThanOrEqualTo(size + UdpLimits.MAX_REPLY_GROWTH);
    }
  }

  @Test
  void aTimeFormatTooLongForTheUdpBoundIsRefusedAtStartUp() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerConfig.builder().udp(true)
            .timeFormat("EEEE, d MMMM uuuu 'at' HH:mm:ss.SSSSSSSSS 'in the time zone' VV").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("over UDP a reply may exceed its request by at most 64 bytes");
  }

}
