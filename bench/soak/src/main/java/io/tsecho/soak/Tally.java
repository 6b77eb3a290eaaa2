package io.tsecho.soak;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one kind of client did over a run, and every way it went wrong, summed over its threads.
 * Each problem is counted and written to the error log with what was expected and what came.
 */
final class Tally {
  final String name;
  final LongAdder connections = new LongAdder();
  final LongAdder requests = new LongAdder();
  final LongAdder ok = new LongAdder();
  /** Replies whose bytes are not those of the request they answer, or whose stamp is not a time of the run. */
  final LongAdder wrong = new LongAdder();
  /** Requests never answered: the connection ended or stayed silent first. */
  final LongAdder missing = new LongAdder();
  /** Bytes after the last reply owed. */
  final LongAdder extra = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  /** Connections the server closed or reset when it had no reason to. */
  final LongAdder lost = new LongAdder();
  /** Stalled connections the server closed at its time-out, as it should. */
  final LongAdder closedByServer = new LongAdder();
  /** Stalled connections the server kept open well past its time-out. */
  final LongAdder notClosed = new LongAdder();
  /** The longest and shortest of some duration worth reporting, in milliseconds (the client says which). */
  final LongAccumulator longestMillis = new LongAccumulator(Math::max, 0);
  final LongAccumulator shortestMillis = new LongAccumulator(Math::min, Long.MAX_VALUE);
  private final ErrorLog log;

  Tally(String name, ErrorLog log) {
    this.name = name;
    this.log = log;
  }

  /** Counts one problem of a kind and logs what it was. */
  void problem(LongAdder kind, String what) {
    kind.increment();
    log.add(name, what);
  }

  /** Counts {@code n} problems of a kind at once (requests left unanswered) and logs them as one line. */
  void problems(LongAdder kind, long n, String what) {
    if (n > 0) {
      kind.add(n);
      log.add(name, what);
    }
  }

  /** Counts {@code n} more of a kind, already explained by another problem's log line. */
  void alsoCount(LongAdder kind, long n) {
    if (n > 0) {
      kind.add(n);
    }
  }

  long errors() {
    return wrong.sum() + missing.sum() + extra.sum() + connectFailures.sum() + lost.sum() + notClosed.sum();
  }
}
