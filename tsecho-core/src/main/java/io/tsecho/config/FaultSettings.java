package io.tsecho.config;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The faults a server starts with, and the seed of the generator that decides which connections
 * and datagrams they hit: the same seed and the same traffic give the same faults.
 */
public record FaultSettings(List<Fault> faults, long seed) {
  public FaultSettings {
    faults = List.copyOf(faults);
  }

  /** No faults, and a random seed for any set later. */
  public static FaultSettings none() {
    return new FaultSettings(List.of(), randomSeed());
  }

  /** A seed small enough to type back in: 0 to 2^31. */
  public static long randomSeed() {
    return ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE);
  }

  /**
   * Each fault must hit at least one listener: a fault that could apply to none is a mistake in the command.
   *
   * @throws IllegalArgumentException naming the first fault that no listener can take
   */
  public void requireApplicable(List<Listener> listeners) {
    for (Fault fault : faults) {
      boolean applies = listeners.stream().anyMatch(l -> fault.kind().appliesTo(l.protocol()));
      if (!applies) {
        throw new IllegalArgumentException("fault '" + fault + "' is a " + fault.kind().protocol().cliName()
            + " fault, and no listener here is " + (fault.kind().protocol() == Protocol.UDP ? "UDP" : "TCP or TLS"));
      }
    }
  }
}
