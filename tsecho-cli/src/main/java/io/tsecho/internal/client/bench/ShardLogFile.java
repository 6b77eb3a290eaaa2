package io.tsecho.internal.client.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * A {@link ShardLog} read back: its settings, its counts, and its interval histograms as
 * HdrHistogram's {@link HistogramLogReader} reads them.
 *
 * @param latency measured latency per interval, in nanoseconds
 * @param sendLag at a fixed rate, the generator's send lag per interval; empty otherwise
 * @param instances whoami: per instance, {replies, connections}
 */
record ShardLogFile(Path file, Map<String, String> settings, Map<String, String> results, List<Histogram> latency,
    List<Histogram> sendLag, Map<String, long[]> instances) {

  /** Reads a shard's log; a file that is not one, or not a finished one, is refused in one line. */
  static ShardLogFile read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("bench merge: " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException("bench merge: cannot read " + file + ": " + e.getMessage());
    }
    Map<String, String> settings = new LinkedHashMap<>();
    Map<String, String> results = new LinkedHashMap<>();
    Map<String, long[]> instances = new TreeMap<>();
    for (String line : new String(bytes, UTF_8).split("\n")) {
      if (line.startsWith(ShardLog.SETTING)) {
        keyValue(file, line.substring(ShardLog.SETTING.length()), settings);
      } else if (line.startsWith(ShardLog.RESULT)) {
        keyValue(file, line.substring(ShardLog.RESULT.length()), results);
      } else if (line.startsWith(ShardLog.INSTANCE)) {
        instance(file, line.substring(ShardLog.INSTANCE.length()), instances);
      }
    }
    if (settings.isEmpty()) {
      throw new IllegalArgumentException("bench merge: " + file + " is not the --hdr-log of a tsecho bench"
          + " (its header has no settings)");
    }
    if (results.isEmpty()) {
      throw new IllegalArgumentException("bench merge: " + file + " has no counts at its end: its bench did not"
          + " finish");
    }
    List<Histogram> latency = new ArrayList<>();
    List<Histogram> sendLag = new ArrayList<>();
    for (EncodableHistogram h : histograms(file, bytes)) {
      if (!(h instanceof Histogram)) {
        throw new IllegalArgumentException("bench merge: " + file + " holds a histogram of doubles, not of"
            + " nanoseconds");
      }
      (ShardLog.SEND_LAG_TAG.equals(h.getTag()) ? sendLag : latency).add((Histogram) h);
    }
    return new ShardLogFile(file, settings, results, latency, sendLag, instances);
  }

  /** Every interval histogram in the log, as HdrHistogram's reader decodes it. */
  private static List<EncodableHistogram> histograms(Path file, byte[] bytes) {
    List<EncodableHistogram> all = new ArrayList<>();
    try (HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(bytes))) {
      EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        all.add(h);
      }
    } catch (RuntimeException e) { // the reader's way of saying a line is not a histogram
      throw new IllegalArgumentException("bench merge: " + file + ": a histogram cannot be read (" + e + ")");
    }
    return all;
  }

  private static void keyValue(Path file, String text, Map<String, String> into) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("bench merge: " + file + ": '" + text + "' is not KEY=VALUE");
    }
    into.put(text.substring(0, eq), text.substring(eq + 1));
  }

  private static void instance(Path file, String text, Map<String, long[]> into) {
    String[] parts = text.split(" ", 3);
    try {
      long[] counts = into.computeIfAbsent(parts[2], k -> new long[2]);
      counts[0] += Long.parseLong(parts[0]);
      counts[1] += Long.parseLong(parts[1]);
    } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
      throw new IllegalArgumentException("bench merge: " + file + ": '" + text + "' is not REPLIES CONNECTIONS NAME");
    }
  }

  String setting(String key) {
    return settings.getOrDefault(key, "");
  }

  /** A count from the end of the log; a missing or garbled one is refused. */
  long result(String key) {
    String value = results.get(key);
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bench merge: " + file + ": its count " + key + " is '" + value
          + "', not a number");
    }
  }
}
