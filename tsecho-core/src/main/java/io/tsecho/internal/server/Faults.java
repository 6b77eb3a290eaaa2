package io.tsecho.internal.server;

import io.tsecho.config.Fault;
import io.tsecho.config.Protocol;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;

/**
 * The faults a server injects, changeable while it runs (a test sets them between cases), with the
 * seeded generator that decides which connections and datagrams they hit, so that a failing run can
 * be repeated with the same seed. Thread-safe.
 */
public final class Faults {
  private final long seed;
  private final Random random;
  private final Map<Fault.Kind, LongAdder> applied = new EnumMap<>(Fault.Kind.class);
  private volatile List<Fault> active;

  public Faults(List<Fault> faults, long seed) {
    this.seed = seed;
    this.random = new Random(seed);
    this.active = List.copyOf(faults);
    for (Fault.Kind kind : Fault.Kind.values()) {
      applied.put(kind, new LongAdder());
    }
  }

  /** Replaces the faults; connections already open keep the ones they drew. */
  public void set(List<Fault> faults) {
    active = List.copyOf(faults);
  }

  public void clear() {
    active = List.of();
  }

  public List<Fault> active() {
    return active;
  }

  public long seed() {
    return seed;
  }

  /** How many connections or datagrams this kind of fault has hit. */
  public long applied(Fault.Kind kind) {
    return applied.get(kind).sum();
  }

  /** {@code latency=3 reset=1}, or empty when none applied. */
  public String appliedSummary() {
    StringBuilder text = new StringBuilder();
    applied.forEach((kind, count) -> {
      if (count.sum() > 0) {
        text.append(text.length() == 0 ? "" : " ").append(kind.cliName()).append('=').append(count.sum());
      }
    });
    return text.toString();
  }

  void recordApplied(Fault.Kind kind) {
    applied.get(kind).increment();
  }

  /** Whether any fault could hit a listener of this protocol; nothing is drawn when none could. */
  boolean anyFor(Protocol protocol) {
    List<Fault> faults = active;
    for (int i = 0; i < faults.size(); i++) { // asked for every connection: no iterator
      if (faults.get(i).kind().appliesTo(protocol)) {
        return true;
      }
    }
    return false;
  }

  /** The faults that hit this connection or datagram: each drawn once, by its probability. */
  List<Fault> draw(Protocol protocol) {
    List<Fault> hit = null;
    for (Fault f : active) {
      if (f.kind().appliesTo(protocol) && chance(f.probability())) {
        if (hit == null) {
          hit = new ArrayList<>(2);
        }
        hit.add(f);
      }
    }
    return hit == null ? List.of() : hit;
  }

  private synchronized boolean chance(double probability) {
    return probability >= 1 || random.nextDouble() < probability;
  }

  /** A uniform draw in {@code [-bound, bound]} nanoseconds, for latency jitter. */
  synchronized long jitterNanos(long bound) {
    return bound == 0 ? 0 : (long) ((random.nextDouble() * 2 - 1) * bound);
  }
}
