package io.tsecho.internal.client.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The whoami replies and connections that each server instance answered, on one event loop: how a
 * load balancer spread the load. Only that loop writes it.
 */
final class Instances {
  private static final byte[] INSTANCE = "instance=".getBytes(US_ASCII);
  private static final byte[] MESSAGE = " msg=".getBytes(US_ASCII);

  /** Per instance name: replies, and connections that heard from it. */
  private final Map<String, long[]> counts = new TreeMap<>();

  /**
   * Where one connection's replies came from. It remembers the instance of its last reply, so a reply
   * from the same one (every reply on a TCP connection) is counted without a lookup or an allocation.
   */
  static final class Tracker {
    private byte[] lastName;
    private long[] lastCounts;
    private final Set<String> heard = new HashSet<>(2);

    /** Counts a reply from the instance named by {@code length} bytes of {@code line} at {@code from}. */
    void count(Instances instances, byte[] line, int from, int length) {
      if (lastName == null || !Arrays.equals(line, from, from + length, lastName, 0, lastName.length)) {
        lastName = Arrays.copyOfRange(line, from, from + length);
        String name = new String(lastName, UTF_8);
        lastCounts = instances.counts.computeIfAbsent(name, k -> new long[2]);
        if (heard.add(name)) {
          lastCounts[1]++;
        }
      }
      lastCounts[0]++;
    }
  }

  /** A copy for the run's main thread: name to {replies, connections}. Event loop only. */
  Map<String, long[]> snapshot() {
    Map<String, long[]> copy = new TreeMap<>();
    counts.forEach((name, c) -> copy.put(name, c.clone()));
    return copy;
  }

  /** Adds one loop's snapshot into a sum. */
  static void merge(Map<String, long[]> into, Map<String, long[]> from) {
    from.forEach((name, c) -> {
      long[] sum = into.computeIfAbsent(name, k -> new long[2]);
      sum[0] += c[0];
      sum[1] += c[1];
    });
  }

  /**
   * Where the instance name starts in a whoami reply, {@code instance=NAME host=… msg=…}, whose text
   * after the stamp begins at {@code from}; -1 when the reply is not shaped so.
   */
  static int nameStart(byte[] line, int from, int length) {
    if (length - from < INSTANCE.length || !Arrays.equals(line, from, from + INSTANCE.length, INSTANCE, 0, INSTANCE.length)) {
      return -1;
    }
    return from + INSTANCE.length;
  }

  /** Where a field's value ends: at the space before the next field; -1 when none follows. */
  static int valueEnd(byte[] line, int start, int length) {
    for (int i = start; i < length; i++) {
      if (line[i] == ' ') {
        return i;
      }
    }
    return -1;
  }

  /** Where the message starts, just after {@code " msg="}; -1 when there is none. */
  static int messageStart(byte[] line, int from, int length) {
    for (int i = from; i + MESSAGE.length <= length; i++) {
      if (line[i] == ' ' && Arrays.equals(line, i, i + MESSAGE.length, MESSAGE, 0, MESSAGE.length)) {
        return i + MESSAGE.length;
      }
    }
    return -1;
  }
}
