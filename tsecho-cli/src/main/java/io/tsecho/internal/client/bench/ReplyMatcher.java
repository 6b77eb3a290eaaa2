package io.tsecho.internal.client.bench;

import java.util.Arrays;

/**
 * Matches one connection's replies to its requests, in order, and names every fault: a reply that
 * skips requests makes them missing, a reply that is not any request's is wrong, a reply to a
 * request already answered is extra, and a reply to a request already given up on (skipped or
 * timed out, among the last 64) is late.
 * Not thread-safe: it lives on its connection's event loop. No allocation per request.
 */
final class ReplyMatcher {
  /** What a reply turned out to be. */
  enum Outcome { OK, WRONG, EXTRA, LATE }

  private final long[] seqs;
  private final long[] starts;
  private int head;
  private int size;
  private final long[] givenUp = new long[64];
  private int givenUpNext;
  private long highestGivenUp = -1;
  private long highestSent = -1;
  private long missing;
  /** Start time of the request the last OK reply answered. */
  private long matchedStart;

  ReplyMatcher(int capacity) {
    seqs = new long[capacity];
    starts = new long[capacity];
    Arrays.fill(givenUp, -1);
  }

  int outstanding() {
    return size;
  }

  boolean isFull() {
    return size == seqs.length;
  }

  /** Records a request sent; {@code startNanos} is when latency is counted from. */
  void sent(long seq, long startNanos) {
    if (isFull()) {
      throw new IllegalStateException("more requests in flight than the depth allows");
    }
    int tail = slot(size);
    seqs[tail] = seq;
    starts[tail] = startNanos;
    size++;
    highestSent = Math.max(highestSent, seq);
  }

  /**
   * Classifies a reply; {@code seq} is -1 when its bytes are no request of this connection. A reply
   * that names no request ever sent is a corrupted answer to the oldest one, as a malformed reply is.
   */
  Outcome reply(long seq) {
    if (seq < 0 || seq > highestSent) {
      if (size > 0) {
        pop();
      }
      return Outcome.WRONG;
    }
    for (int i = 0; i < size; i++) {
      int slot = slot(i);
      if (seqs[slot] == seq) {
        for (int skipped = 0; skipped < i; skipped++) {
          giveUp();
        }
        matchedStart = starts[head];
        pop();
        return Outcome.OK;
      }
    }
    return wasGivenUp(seq) ? Outcome.LATE : Outcome.EXTRA;
  }

  /** When the request answered by the last OK reply started. */
  long matchedStart() {
    return matchedStart;
  }

  /** Gives up on requests started before {@code deadline}: they count as missing. Returns how many. */
  int expire(long deadlineNanos) {
    int expired = 0;
    while (size > 0 && starts[head] - deadlineNanos < 0) {
      giveUp();
      expired++;
    }
    return expired;
  }

  /** The oldest request counts as missing; a reply to it that still comes is late. */
  private void giveUp() {
    givenUp[givenUpNext] = seqs[head];
    givenUpNext = (givenUpNext + 1) % givenUp.length;
    highestGivenUp = Math.max(highestGivenUp, seqs[head]);
    pop();
    missing++;
  }

  /** Everything still outstanding counts as missing (the run is over or the connection closed). */
  void abandon() {
    missing += size;
    size = 0;
  }

  long missing() {
    return missing;
  }

  private boolean wasGivenUp(long seq) {
    if (seq > highestGivenUp) {
      return false;
    }
    for (long s : givenUp) {
      if (s == seq) {
        return true;
      }
    }
    return false;
  }

  /** The ring index of the i-th oldest outstanding request; a compare instead of a division. */
  private int slot(int i) {
    int slot = head + i;
    return slot < seqs.length ? slot : slot - seqs.length;
  }

  private void pop() {
    head = slot(1);
    size--;
  }
}
