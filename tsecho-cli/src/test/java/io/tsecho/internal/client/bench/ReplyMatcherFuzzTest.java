package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tsecho.internal.client.bench.ReplyMatcher.Outcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bench's reply matcher against a plain model of what each reply means, over any sequence of
 * requests, replies, time-outs and ends of run.
 *
 * <p>Input: byte 0 sets the depth (1 to 64); then operations of two bytes, an opcode and its argument:
 * <ul>
 *   <li>opcode % 4 == 0: send the next request (numbered 0, 1, 2, ... as a connection does), started
 *       {@code argument} ticks after the one before;
 *   <li>1: a reply naming request {@code next + 1 - argument % (next + 3)}, where {@code next} is the
 *       number the next request will get: the one after the last sent, any sent before, or -1, a reply
 *       whose bytes are no request;
 *   <li>2: give up on the requests started more than {@code argument - 32} ticks before the last one;
 *   <li>3: end of run: abandon what is outstanding (opcode 3 only; 7, 11, ... are replies).
 * </ul>
 * Times start just short of {@code Long.MAX_VALUE}, so that they wrap as {@code System.nanoTime()} may.
 */
class ReplyMatcherFuzzTest {
  /** Replies to requests given up on are recognised as late among this many most recent ones. */
  private static final int LATE_MEMORY = 64;

  private static ReplyMatcher newMatcher(int depth) {
    return new ReplyMatcher(depth);
  }

  @FuzzTest
  void everyReplyIsClassifiedAsTheModelSays(byte[] input) {
    int depth = input.length == 0 ? 1 : 1 + Byte.toUnsignedInt(input[0]) % 64;
    ReplyMatcher matcher = newMatcher(depth);
    Model model = new Model(depth);
    for (int i = 1; i + 1 < input.length; i += 2) {
      int op = Byte.toUnsignedInt(input[i]);
      int arg = Byte.toUnsignedInt(input[i + 1]);
      if (op == 3) {
        matcher.abandon();
        model.abandon();
      } else if (op % 4 == 0) {
        if (!model.isFull()) {
          long start = model.lastStart + arg;
          matcher.sent(model.next, start);
          model.sent(start);
        }
      } else if (op % 4 == 1 || op % 4 == 3) {
        long seq = model.next + 1 - arg % (model.next + 3);
        model.reply(seq, matcher.reply(seq), matcher);
      } else {
        long deadline = model.lastStart + 32 - arg;
        assertThat(matcher.expire(deadline)).as("given up before %d", deadline).isEqualTo(model.expire(deadline));
      }
      assertThat(matcher.outstanding()).as("outstanding").isEqualTo(model.outstanding.size());
      assertThat(matcher.isFull()).isEqualTo(model.isFull());
      assertThat(matcher.missing()).as("missing").isEqualTo(model.missing);
    }
  }

  private enum State { OUTSTANDING, ANSWERED, SKIPPED, GIVEN_UP, ABANDONED }

  /** The matcher's contract, kept the plain way: a state per request. */
  private static final class Model {
    final int depth;
    final Deque<Long> outstanding = new ArrayDeque<>();
    final Map<Long, State> states = new HashMap<>();
    final Map<Long, Long> starts = new HashMap<>();
    final List<Long> givenUp = new ArrayList<>();
    long next;
    long lastStart = Long.MAX_VALUE - 10_000;
    long missing;

    Model(int depth) {
      this.depth = depth;
    }

    boolean isFull() {
      return outstanding.size() == depth;
    }

    void sent(long start) {
      starts.put(next, start);
      states.put(next, State.OUTSTANDING);
      outstanding.addLast(next++);
      lastStart = start;
    }

    int expire(long deadline) {
      int expired = 0;
      while (!outstanding.isEmpty() && starts.get(outstanding.peekFirst()) - deadline < 0) {
        long seq = outstanding.removeFirst();
        states.put(seq, State.GIVEN_UP);
        givenUp.add(seq);
        missing++;
        expired++;
      }
      return expired;
    }

    void abandon() {
      for (long seq : outstanding) {
        states.put(seq, State.ABANDONED);
      }
      missing += outstanding.size();
      outstanding.clear();
    }

    /** Checks the matcher's answer to a reply naming {@code seq}, then applies the reply to the model. */
    void reply(long seq, Outcome outcome, ReplyMatcher matcher) {
      State state = seq < 0 ? null : states.get(seq);
      if (state == null) {
        assertNotARequest(seq, outcome);
      } else if (state == State.OUTSTANDING) {
        assertOk(seq, outcome, matcher);
      } else if (state == State.ANSWERED) {
        assertThat(outcome).as("a second reply to %d", seq).isEqualTo(Outcome.EXTRA);
      } else if (state == State.GIVEN_UP && givenUp.lastIndexOf(seq) >= givenUp.size() - LATE_MEMORY) {
        assertThat(outcome).as("reply to %d, given up on", seq).isEqualTo(Outcome.LATE);
      } else {
        // Skipped, abandoned, or given up on long ago: too late to count, and never a match.
        assertThat(outcome).as("reply to %d, %s", seq, state).isIn(Outcome.EXTRA, Outcome.LATE);
      }
    }

    /** Malformed, or a number never sent: wrong, and the answer (a corrupted one) to the oldest request. */
    private void assertNotARequest(long seq, Outcome outcome) {
      assertThat(outcome).as("reply naming %d, which was never sent", seq).isEqualTo(Outcome.WRONG);
      if (!outstanding.isEmpty()) {
        states.put(outstanding.removeFirst(), State.ANSWERED);
      }
    }

    private void assertOk(long seq, Outcome outcome, ReplyMatcher matcher) {
      assertThat(outcome).as("reply to outstanding %d", seq).isEqualTo(Outcome.OK);
      assertThat(matcher.matchedStart()).isEqualTo(starts.get(seq));
      while (outstanding.peekFirst() != seq) {
        states.put(outstanding.removeFirst(), State.SKIPPED);
        missing++;
      }
      states.put(outstanding.removeFirst(), State.ANSWERED);
    }
  }
}
