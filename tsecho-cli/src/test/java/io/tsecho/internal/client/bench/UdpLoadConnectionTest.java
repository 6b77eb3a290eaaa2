package io.tsecho.internal.client.bench;

import static io.tsecho.internal.client.bench.EmbeddedLoad.STAMP;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tsecho.config.Service;
import io.tsecho.internal.client.bench.EmbeddedLoad.Settings;
import io.tsecho.internal.client.bench.LoopStats.Counts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Over UDP: one request per datagram, one reply per datagram. */
class UdpLoadConnectionTest {
  private static Settings udp(Service service, int depth, int size) {
    Settings s = new Settings();
    s.udp = true;
    s.service = service;
    s.depth = depth;
    s.size = size;
    return s;
  }

  @Test
  void eachRequestIsItsOwnDatagramFlushedWithItsBatch() {
    try (EmbeddedLoad load = new EmbeddedLoad(udp(Service.STAMP, 3, 64)).start(0)) {
      List<String> datagrams = load.written();
      assertThat(datagrams).hasSize(3).allMatch(d -> d.length() == 64 && d.endsWith("\n"));
      assertThat(datagrams).extracting(d -> d.substring(0, 17))
          .containsExactly("0003000000000000 ", "0003000000000001 ", "0003000000000002 ");
    }
  }

  @Test
  void eachReplyDatagramAnswersARequestAndMakesRoomForTheNext() {
    try (EmbeddedLoad load = new EmbeddedLoad(udp(Service.STAMP, 1, 64)).start(0)) {
      load.answer(load.written().get(0));
      List<String> next = load.written();
      assertThat(next).hasSize(1);
      assertThat(next.get(0)).startsWith("0003000000000001 ");
      Counts c = load.snapshot().counts();
      assertThat(c.ok()).isEqualTo(1);
      assertThat(c.bytesReceived()).isEqualTo(STAMP.length() + 64);
    }
  }

  @Test
  void aReplyWithoutItsNewlineOrEmptyIsWrong() {
    try (EmbeddedLoad load = new EmbeddedLoad(udp(Service.STAMP, 1, 64)).start(0)) {
      String r0 = load.written().get(0);
      load.receive(STAMP + r0.substring(0, 63)); // the newline cut off
      String r1 = load.written().get(0);
      load.receive("");
      load.receive(STAMP + load.written().get(0));
      Counts c = load.snapshot().counts();
      assertThat(c.wrong()).isEqualTo(2);
      assertThat(c.ok()).isEqualTo(1);
      assertThat(r1).startsWith("0003000000000001 ");
      assertThat(load.channel.isActive()).isTrue();
    }
  }

  @Test
  void whoamiRequestsArePaddedAfterTheirNewlineSoThatTheLongerReplyFits() {
    try (EmbeddedLoad load = new EmbeddedLoad(udp(Service.WHOAMI, 1, 64)).start(0)) {
      String datagram = load.written().get(0);
      assertThat(datagram).hasSize(UdpLoadConnection.WHOAMI_DATAGRAM);
      String request = datagram.substring(0, 64);
      assertThat(request).startsWith("0003000000000000 ").endsWith("\n");
      assertThat(datagram.substring(64)).isEqualTo("\0".repeat(UdpLoadConnection.WHOAMI_DATAGRAM - 64));
      load.receive(STAMP + "instance=pod-a host=127.0.0.1:40000 msg=" + request); // the padding is not echoed
      assertThat(load.snapshot().counts().ok()).isEqualTo(1);
      assertThat(load.snapshot().instances()).containsOnlyKeys("pod-a");
    }
  }

  @Test
  void aWhoamiRequestLargerThanThePaddingIsNotPadded() {
    try (EmbeddedLoad load = new EmbeddedLoad(udp(Service.WHOAMI, 1, 2_000)).start(0)) {
      String datagram = load.written().get(0);
      assertThat(datagram).hasSize(2_000).endsWith("\n");
    }
  }

  @Test
  void aMessageThatIsNoDatagramIsReleasedAndIgnored() {
    try (EmbeddedLoad load = new EmbeddedLoad(udp(Service.STAMP, 1, 64)).start(0)) {
      load.written();
      ByteBuf stray = Unpooled.copiedBuffer(new byte[] {'x', '\n'});
      load.channel.writeInbound(stray);
      assertThat(stray.refCnt()).isZero();
      assertThat(load.snapshot().counts()).isEqualTo(LoopStats.Counts.ZERO.plus(
          new Counts(0, 0, 0, 0, 0, 64, 0, 0)));
      assertThat(load.written()).as("nothing answered, nothing more sent").isEmpty();
    }
  }
}
