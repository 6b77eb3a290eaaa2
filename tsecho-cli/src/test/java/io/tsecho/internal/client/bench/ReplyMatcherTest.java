package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tsecho.internal.client.bench.ReplyMatcher.Outcome;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplyMatcherTest {
  private final ReplyMatcher m = new ReplyMatcher(8);

  private void send(long... seqs) {
    for (long s : seqs) {
      m.sent(s, s * 100);
    }
  }

  @Test
  void repliesInOrderAreOkAndCarryTheirRequestsStart() {
    send(0, 1, 2);
    assertThat(m.reply(0)).isEqualTo(Outcome.OK);
    assertThat(m.matchedStart()).isEqualTo(0);
    assertThat(m.reply(1)).isEqualTo(Outcome.OK);
    assertThat(m.matchedStart()).isEqualTo(100);
    assertThat(m.outstanding()).isEqualTo(1);
    assertThat(m.missing()).isZero();
  }

  @Test
  void aSkippedReplyMakesItsRequestMissing() {
    send(0, 1, 2, 3);
    assertThat(m.reply(0)).isEqualTo(Outcome.OK);
    assertThat(m.reply(2)).isEqualTo(Outcome.OK);
    assertThat(m.missing()).isEqualTo(1);
    assertThat(m.outstanding()).isEqualTo(1);
  }

  @Test
  void aCorruptReplyIsWrongAndAnswersTheOldestRequest() {
    send(0, 1);
    assertThat(m.reply(-1)).isEqualTo(Outcome.WRONG);
    assertThat(m.outstanding()).isEqualTo(1);
    assertThat(m.reply(1)).isEqualTo(Outcome.OK);
  }

  @Test
  void aSecondReplyToTheSameRequestIsExtra() {
    send(0, 1);
    assertThat(m.reply(0)).isEqualTo(Outcome.OK);
    assertThat(m.reply(0)).isEqualTo(Outcome.EXTRA);
    assertThat(m.reply(1)).isEqualTo(Outcome.OK);
    assertThat(m.reply(1)).isEqualTo(Outcome.EXTRA);
  }

  @Test
  void aReplyAfterItsRequestWasGivenUpIsLate() {
    send(0, 1);
    assertThat(m.expire(50)).isEqualTo(1); // request 0 started at 0, before the deadline
    assertThat(m.missing()).isEqualTo(1);
    assertThat(m.reply(0)).isEqualTo(Outcome.LATE);
    assertThat(m.reply(1)).isEqualTo(Outcome.OK);
  }

  @Test
  void aWellFormedReplyToARequestNeverSentIsWrongAndAnswersTheOldest() {
    send(0, 1);
    assertThat(m.reply(5)).isEqualTo(Outcome.WRONG);
    assertThat(m.outstanding()).isEqualTo(1);
    assertThat(m.reply(1)).isEqualTo(Outcome.OK);
    assertThat(m.missing()).isZero();
  }

  @Test
  void aReplyToARequestNeverSentIsWrongEvenWithNothingOutstanding() {
    send(0);
    assertThat(m.reply(0)).isEqualTo(Outcome.OK);
    assertThat(m.reply(1)).isEqualTo(Outcome.WRONG);
    assertThat(m.reply(0)).isEqualTo(Outcome.EXTRA);
  }

  @Test
  void aWrongReplyWithNothingOutstandingLeavesTheNextRequestsInOrder() {
    assertThat(m.reply(-1)).isEqualTo(Outcome.WRONG);
    assertThat(m.outstanding()).isZero();
    send(0, 1);
    assertThat(m.outstanding()).isEqualTo(2);
    assertThat(m.reply(0)).isEqualTo(Outcome.OK);
    assertThat(m.matchedStart()).isZero();
    assertThat(m.reply(1)).isEqualTo(Outcome.OK);
    assertThat(m.matchedStart()).isEqualTo(100);
    assertThat(m.missing()).isZero();
  }

  @Test
  void aRequestIsGivenUpOnlyOnceItStartedBeforeTheDeadline() {
    send(1, 2); // started at 100 and 200
    assertThat(m.expire(100)).as("started exactly at the deadline").isZero();
    assertThat(m.outstanding()).isEqualTo(2);
    assertThat(m.expire(101)).isEqualTo(1);
    assertThat(m.missing()).isEqualTo(1);
    assertThat(m.outstanding()).isEqualTo(1);
  }

  @Test
  void aReplyToASkippedRequestThatComesAfterAllIsLate() {
    send(0, 1, 2);
    assertThat(m.reply(1)).isEqualTo(Outcome.OK);
    assertThat(m.missing()).isEqualTo(1);
    assertThat(m.reply(0)).isEqualTo(Outcome.LATE);
    assertThat(m.reply(2)).isEqualTo(Outcome.OK);
  }

  @Test
  void aRepeatedReplyToRequestZeroIsExtraEvenAfterOthersWereGivenUp() {
    send(0, 1);
    assertThat(m.reply(0)).isEqualTo(Outcome.OK);
    assertThat(m.expire(101)).isEqualTo(1); // request 1
    assertThat(m.reply(0)).as("answered, never given up on").isEqualTo(Outcome.EXTRA);
    assertThat(m.reply(1)).isEqualTo(Outcome.LATE);
  }

  @Test
  void aReplyToTheLastRequestSentIsNotWrong() {
    send(0);
    assertThat(m.reply(0)).isEqualTo(Outcome.OK);
    send(1);
    assertThat(m.reply(1)).isEqualTo(Outcome.OK);
    assertThat(m.reply(2)).isEqualTo(Outcome.WRONG);
  }

  @Test
  void onlyTheLast64GivenUpAreRememberedAsLate() {
    ReplyMatcher one = new ReplyMatcher(1);
    for (long seq = 0; seq < 65; seq++) {
      one.sent(seq, seq);
      assertThat(one.expire(seq + 1)).isEqualTo(1);
    }
    assertThat(one.reply(0)).as("forgotten").isEqualTo(Outcome.EXTRA);
    assertThat(one.reply(1)).isEqualTo(Outcome.LATE);
    assertThat(one.reply(64)).isEqualTo(Outcome.LATE);
    assertThat(one.missing()).isEqualTo(65);
  }

  @Test
  void aFullMatcherRefusesOneMoreRequest() {
    ReplyMatcher two = new ReplyMatcher(2);
    two.sent(0, 0);
    assertThat(two.isFull()).isFalse();
    two.sent(1, 0);
    assertThat(two.isFull()).isTrue();
    assertThatThrownBy(() -> two.sent(2, 0)).isInstanceOf(IllegalStateException.class)
        .hasMessage("more requests in flight than the depth allows");
  }

  @Test
  void theRingWrapsAroundAndKeepsItsOrder() {
    ReplyMatcher three = new ReplyMatcher(3);
    for (long seq = 0; seq < 10; seq++) {
      three.sent(seq, 100 * seq);
      if (seq >= 2) {
        assertThat(three.reply(seq - 2)).isEqualTo(Outcome.OK);
        assertThat(three.matchedStart()).isEqualTo(100 * (seq - 2));
      }
    }
    assertThat(three.outstanding()).isEqualTo(2);
    assertThat(three.reply(9)).as("skips 8").isEqualTo(Outcome.OK);
    assertThat(three.matchedStart()).isEqualTo(900);
    assertThat(three.missing()).isEqualTo(1);
    assertThat(three.outstanding()).isZero();
  }

  @Test
  void abandoningCountsWhatIsLeftAsMissing() {
    send(0, 1, 2);
    m.abandon();
    assertThat(m.missing()).isEqualTo(3);
    assertThat(m.outstanding()).isZero();
  }

  @Test
  void payloadsNameTheirConnectionAndSequence() {
    Payloads p = new Payloads(7, 64);
    ByteBuf buf = Unpooled.buffer();
    p.write(buf, 0xabcdef123L);
    assertThat(buf.readableBytes()).isEqualTo(64);
    assertThat(buf.getByte(63)).isEqualTo((byte) '\n');
    byte[] line = new byte[70];
    buf.getBytes(0, line, 3, 64); // not at the start of the array, as after a stamp
    buf.release();
    assertThat(new String(line, 3, 17, StandardCharsets.US_ASCII)).isEqualTo("0007000abcdef123 ");
    assertThat(p.sequenceOf(line, 3, 63)).isEqualTo(0xabcdef123L);
    assertThat(new Payloads(8, 64).sequenceOf(line, 3, 63)).as("another connection's").isEqualTo(-1);
    assertThat(p.sequenceOf(line, 3, 62)).as("short").isEqualTo(-1);
    line[3 + 10] = 'A';
    assertThat(p.sequenceOf(line, 3, 63)).as("not a digit this client writes").isEqualTo(-1);
    line[3 + 10] = 'c';
    line[3 + 40] = 'Z';
    assertThat(p.sequenceOf(line, 3, 63)).as("corrupted filler").isEqualTo(-1);
  }
}
