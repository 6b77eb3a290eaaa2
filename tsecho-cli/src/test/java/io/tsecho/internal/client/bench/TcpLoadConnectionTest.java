package io.tsecho.internal.client.bench;

import static io.tsecho.internal.client.bench.EmbeddedLoad.STAMP;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tsecho.internal.client.bench.EmbeddedLoad.Settings;
import io.tsecho.internal.client.bench.LoopStats.Counts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests as lines in one write per batch, and reply lines however the reads cut them. */
class TcpLoadConnectionTest {
  private static Settings depth(int depth) {
    Settings s = new Settings();
    s.depth = depth;
    return s;
  }

  @Test
  void aBatchOfRequestsIsOneWriteInOneBufferOfItsSize() {
    try (EmbeddedLoad load = new EmbeddedLoad(depth(3)).start(0)) {
      ByteBuf batch = load.channel.readOutbound();
      try {
        assertThat(batch.toString(US_ASCII).split("(?<=\n)")).extracting(l -> l.substring(0, 17))
            .containsExactly("0003000000000000 ", "0003000000000001 ", "0003000000000002 ");
        assertThat(batch.readableBytes()).isEqualTo(3 * 64);
        assertThat(batch.capacity()).as("allocated at its size, never grown").isEqualTo(3 * 64);
      } finally {
        batch.release();
      }
      assertThat((Object) load.channel.readOutbound()).isNull();
    }
  }

  @Test
  void repliesCutAnywhereAcrossReadsAreReassembled() {
    try (EmbeddedLoad load = new EmbeddedLoad(depth(3)).start(0)) {
      List<String> requests = load.sent();
      String replies = STAMP + requests.get(0) + STAMP + requests.get(1) + STAMP + requests.get(2);
      int first = STAMP.length() + 64;
      load.receive(replies.substring(0, 50)); // the start of reply 0
      load.receive(replies.substring(50, first + 9)); // its end, and the start of reply 1
      load.receive(replies.substring(first + 9, first + 30)); // more of reply 1, no newline
      load.receive(replies.substring(first + 30)); // the end of reply 1, and reply 2 whole
      Counts c = load.snapshot().counts();
      assertThat(c.ok()).isEqualTo(3);
      assertThat(c.wrong()).isZero();
      assertThat(c.bytesReceived()).isEqualTo(replies.length());
    }
  }

  @Test
  void aReadThatEndsWithItsLastNewlineCarriesNothingOver() {
    try (EmbeddedLoad load = new EmbeddedLoad(depth(3)).start(0)) {
      List<String> requests = load.sent();
      load.receive(STAMP + requests.get(0) + STAMP + requests.get(1));
      load.receive(STAMP + requests.get(2));
      assertThat(load.snapshot().counts()).extracting(Counts::ok, Counts::wrong).containsExactly(3L, 0L);
    }
  }

  @Test
  void anEmptyLineIsAWrongReply() {
    try (EmbeddedLoad load = new EmbeddedLoad(depth(1)).start(0)) {
      load.sent();
      load.receive("\n");
      List<String> next = load.sent();
      assertThat(next).as("the wrong reply answered request 0").hasSize(1);
      load.answer(next.get(0));
      assertThat(load.snapshot().counts()).extracting(Counts::ok, Counts::wrong).containsExactly(1L, 1L);
    }
  }

  @Test
  void aReadThatOpensWithTheNewlineOfTheCarriedReplyEndsIt() {
    try (EmbeddedLoad load = new EmbeddedLoad(depth(2)).start(0)) {
      List<String> requests = load.sent();
      String first = STAMP + requests.get(0);
      load.receive(first.substring(0, first.length() - 1));
      load.receive("\n" + STAMP + requests.get(1));
      assertThat(load.snapshot().counts()).extracting(Counts::ok, Counts::wrong).containsExactly(2L, 0L);
    }
  }

  @Test
  void aReadBufferNeedNotStartAtIndexZero() {
    try (EmbeddedLoad load = new EmbeddedLoad(depth(2)).start(0)) {
      List<String> requests = load.sent();
      String replies = STAMP + requests.get(0) + STAMP + requests.get(1);
      load.receive(replies.substring(0, 40));
      // What a stage in front leaves after it consumed bytes of its own: data from a reader index past 0.
      ByteBuf read = Unpooled.buffer();
      read.writeCharSequence("consumed" + replies.substring(40), US_ASCII);
      read.skipBytes("consumed".length());
      load.channel.writeInbound(read);
      assertThat(load.snapshot().counts()).extracting(Counts::ok, Counts::wrong).containsExactly(2L, 0L);
    }
  }
}
