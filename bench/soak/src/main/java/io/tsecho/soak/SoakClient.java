package io.tsecho.soak;

/** One kind of client of the soak: a number of threads, each looping over connections until the run ends. */
interface SoakClient {
  Tally tally();

  int threads();

  /** The loop of thread {@code index}; returns soon after the deadline passes. */
  void loop(int index, Deadline deadline) throws InterruptedException;

  /** A line for the summary about what this client saw beyond its counts, or an empty string. */
  default String note() {
    return "";
  }
}
