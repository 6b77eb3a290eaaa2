package io.tsecho.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Measures a running server from outside, as an operator would: /proc for resident memory, open
 * descriptors and threads, and one {@code jcmd} per sample for the rest.
 *
 * <ul>
 *   <li>Heap after GC: {@code GC.run}, a full collection, then {@code GC.heap_info}, the used bytes of
 *       each generation summed (Serial, Parallel and G1 print them alike). What is left after a full
 *       collection is what the server holds on to.
 *   <li>Direct memory: Native Memory Tracking's "Other" category ({@code VM.native_memory summary};
 *       the server must run with {@code -XX:NativeMemoryTracking=summary}). Netty allocates its pooled
 *       direct memory either through {@code ByteBuffer.allocateDirect} or, when it can reach
 *       DirectByteBuffer's private constructor (not under the launcher's flags on JDK 17: Netty's
 *       debug log says "direct buffer constructor: unavailable"), straight through
 *       {@code Unsafe.allocateMemory}, which the JDK's BufferPool MXBean never counts. Both paths end in {@code Unsafe.allocateMemory}, which NMT books
 *       as "Other", so this is what the process really holds for direct buffers, pooled and free
 *       alike, whichever path Netty took. Native memory outside the JVM's own allocations (the
 *       epoll transport's JNI code, glibc arenas) is not in it; RSS covers it.
 * </ul>
 *
 * A {@code GC.run} every sample adds one full collection every 10 s to the server's life; on a heap
 * of a few MiB of live data it takes milliseconds.
 */
final class Sampler {
  private static final String COMMANDS = "GC.run\nGC.heap_info\nVM.native_memory summary\n";
  private static final long JCMD_TIMEOUT_SECONDS = 60;
  private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");
  private static final Pattern NMT_TOTAL = Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB", Pattern.MULTILINE);
  private static final Pattern NMT_OTHER = Pattern.compile("^-\\s+Other \\(reserved=\\d+KB, committed=(\\d+)KB\\)",
      Pattern.MULTILINE);
  private static final Pattern STATUS_FIELD = Pattern.compile("^(VmRSS|Threads):\\s+(\\d+)", Pattern.MULTILINE);

  private final long pid;
  private final Path proc;
  private final Path jcmd;
  private final Path commands;
  private final Path jcmdOut;

  Sampler(long pid, Path jcmd, Path workDir) throws IOException {
    this.pid = pid;
    this.proc = Path.of("/proc", Long.toString(pid));
    this.jcmd = jcmd;
    this.commands = workDir.resolve("jcmd-commands.txt");
    this.jcmdOut = workDir.resolve("jcmd-last.txt");
    Files.writeString(commands, COMMANDS);
  }

  boolean serverAlive() {
    return Files.isDirectory(proc);
  }

  /** Descriptors and /proc come first, so that jcmd's own connection to the server is not counted. */
  Sample take(double seconds) throws IOException, InterruptedException {
    long fds = countFds();
    String status = Files.readString(proc.resolve("status"), StandardCharsets.ISO_8859_1);
    long rss = statusField(status, "VmRSS");
    long threads = statusField(status, "Threads");
    String out = runJcmd();
    return new Sample(seconds, rss, heapUsedKib(out), nmtKib(out, NMT_OTHER), nmtKib(out, NMT_TOTAL), fds, threads);
  }

  private long countFds() throws IOException {
    try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
      return fds.count();
    }
  }

  private static long statusField(String status, String name) {
    Matcher m = STATUS_FIELD.matcher(status);
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return Long.parseLong(m.group(2));
      }
    }
    return -1;
  }

  /** jcmd's output, or an empty string if it did not finish in time (the fields it gives are then left empty). */
  private String runJcmd() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), "-f", commands.toString()))
        .redirectErrorStream(true).redirectOutput(jcmdOut.toFile()).start();
    if (!p.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "";
    }
    return Files.readString(jcmdOut, StandardCharsets.UTF_8);
  }

  /** The used sizes of the heap's generations, which GC.heap_info lists before Metaspace. */
  static long heapUsedKib(String jcmdOut) {
    int metaspace = jcmdOut.indexOf("Metaspace");
    if (metaspace < 0) {
      return -1;
    }
    Matcher m = HEAP_USED.matcher(jcmdOut.substring(0, metaspace));
    long used = 0;
    boolean any = false;
    while (m.find()) {
      used += Long.parseLong(m.group(1));
      any = true;
    }
    return any ? used : -1;
  }

  /** A committed size from the NMT summary; a category NMT omits (under 1 KB) is 0; -1 without NMT. */
  static long nmtKib(String jcmdOut, Pattern category) {
    if (!jcmdOut.contains("Native Memory Tracking:")) {
      return -1;
    }
    Matcher m = category.matcher(jcmdOut);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
