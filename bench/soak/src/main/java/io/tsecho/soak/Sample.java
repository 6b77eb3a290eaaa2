package io.tsecho.soak;

import java.util.Locale;

/**
 * One look at the server: seconds into the run, then its resident memory, live heap after a full GC,
 * direct memory, all native memory the JVM tracks, open file descriptors and threads. Sizes in KiB;
 * -1 where a value could not be read.
 */
record Sample(double seconds, long rssKib, long heapKib, long directKib, long nmtKib, long fds, long threads) {
  static final String CSV_HEADER = "seconds,rss_kib,heap_after_gc_kib,direct_kib,nmt_committed_kib,fds,threads";

  String csv() {
    return String.format(Locale.ROOT, "%.1f,%s,%s,%s,%s,%s,%s", seconds, cell(rssKib), cell(heapKib), cell(directKib),
        cell(nmtKib), cell(fds), cell(threads));
  }

  static Sample parse(String line) {
    String[] f = line.split(",", -1);
    if (f.length != 7) {
      throw new IllegalArgumentException("not a sample line: " + line);
    }
    return new Sample(Double.parseDouble(f[0]), value(f[1]), value(f[2]), value(f[3]), value(f[4]), value(f[5]),
        value(f[6]));
  }

  private static String cell(long v) {
    return v < 0 ? "" : Long.toString(v);
  }

  private static long value(String cell) {
    return cell.isEmpty() ? -1 : Long.parseLong(cell);
  }
}
