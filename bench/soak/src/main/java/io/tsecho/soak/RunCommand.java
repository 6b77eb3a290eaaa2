package io.tsecho.soak;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Drives the churn, slow-reader and stalling clients against a running server for a while and
 * samples the server every 10 s. Writes samples.csv, clients.csv, errors.log and run-end.txt into
 * the output directory. Exits 0 if every reply was right and the server lived to the end.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Drive the soak's own clients against a server on loopback and sample the server.")
final class RunCommand implements Callable<Integer> {
  private static final int CHURN_THREADS = 4;
  /** How long the clients get to finish their current connection once the run is over. */
  private static final long GRACE_MILLIS = TimeUnit.SECONDS.toMillis(45);

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address; loopback only (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", required = true, description = "Server's TCP port.")
  int port;

  @Option(names = "--pid", required = true, description = "Server's process id, for sampling.")
  long pid;

  @Option(names = "--duration", required = true, converter = DurationConverter.class, description = "How long to run.")
  Duration duration;

  @Option(names = "--out", required = true, description = "Directory for the results.")
  Path out;

  @Option(names = "--framing", defaultValue = "line", description = "The server's framing, line or auto (default: ${DEFAULT-VALUE}).")
  String framing;

  @Option(names = "--stall-close-after", required = true, converter = DurationConverter.class,
      description = "When the server should close a client that stops in the middle of a line: the first of its time-outs.")
  Duration stallCloseAfter;

  @Option(names = "--churn-rate", defaultValue = "50", description = "One-line clients per second (default: ${DEFAULT-VALUE}).")
  double churnRate;

  @Option(names = "--slow-readers", defaultValue = "4", description = "Slow readers at once (default: ${DEFAULT-VALUE}).")
  int slowReaders;

  @Option(names = "--slow-read-rate", defaultValue = "8192", description = "Bytes per second each slow reader reads (default: ${DEFAULT-VALUE}).")
  int slowReadRate;

  @Option(names = "--slow-lines", defaultValue = "100000", description = "Requests per slow-reader connection (default: ${DEFAULT-VALUE}).")
  int slowLines;

  @Option(names = "--slow-window", defaultValue = "70000",
      description = "Requests a slow reader keeps unanswered, at most; the default is more replies than loopback's"
          + " kernel buffers hold (default: ${DEFAULT-VALUE}).")
  int slowWindow;

  @Option(names = "--stallers", defaultValue = "32", description = "Stalling clients at once (default: ${DEFAULT-VALUE}).")
  int stallers;

  @Option(names = "--sample-every", defaultValue = "10s", converter = DurationConverter.class,
      description = "Time between samples of the server (default: ${DEFAULT-VALUE}).")
  Duration sampleEvery;

  @Option(names = "--jcmd", description = "jcmd to sample with (default: the one of the JDK running this).")
  Path jcmd;

  private final AtomicLong internalErrors = new AtomicLong();

  @Override
  public Integer call() throws Exception {
    InetAddress address = InetAddress.getByName(host);
    if (!address.isLoopbackAddress()) {
      System.err.println("soak: --host must be a loopback address (127.0.0.0/8 or ::1), not " + host);
      return 2;
    }
    if (!framing.equals("line") && !framing.equals("auto")) {
      System.err.println("soak: --framing must be line or auto, not " + framing);
      return 2;
    }
    Files.createDirectories(out);
    Path jcmdPath = jcmd != null ? jcmd : Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Connections connections = new Connections(new InetSocketAddress(address, port));
    try (ErrorLog errors = new ErrorLog(out.resolve("errors.log"))) {
      List<SoakClient> clients = List.of(
          new ChurnClients(connections, new Tally("churn", errors), churnRate, CHURN_THREADS),
          new SlowReaders(connections, new Tally("slow readers", errors), slowReaders, slowReadRate, slowLines, slowWindow),
          new Stallers(connections, new Tally("stallers", errors), stallers, stallCloseAfter, framing.equals("auto")));
      Sampler sampler = new Sampler(pid, jcmdPath, out);
      long start = System.nanoTime();
      Deadline deadline = new Deadline(start + duration.toNanos());
      List<Thread> threads = startClients(clients, deadline, errors);
      String end = sample(sampler, start, deadline, clients, errors);
      finish(threads, connections);
      writeClients(clients);
      long problems = errors.count();
      String verdict = String.format(Locale.ROOT, "%s; %d client problems, %d internal errors", end, problems,
          internalErrors.get());
      Files.writeString(out.resolve("run-end.txt"), verdict + "\n");
      System.err.println("soak: " + verdict);
      return end.equals("completed") && problems == 0 && internalErrors.get() == 0 ? 0 : 1;
    }
  }

  private List<Thread> startClients(List<SoakClient> clients, Deadline deadline, ErrorLog errors) {
    List<Thread> threads = new ArrayList<>();
    for (SoakClient c : clients) {
      for (int i = 0; i < c.threads(); i++) {
        int index = i;
        Thread t = new Thread(() -> {
          try {
            c.loop(index, deadline);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            internalErrors.incrementAndGet();
            errors.add(c.tally().name, "internal error in the soak client: " + e);
          }
        }, "soak-" + c.tally().name.replace(' ', '-') + "-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }
    return threads;
  }

  /** Samples until the end of the run, or until the server is gone; says which. */
  private String sample(Sampler sampler, long start, Deadline deadline, List<SoakClient> clients, ErrorLog errors)
      throws IOException, InterruptedException {
    long every = sampleEvery.toNanos();
    try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("samples.csv"), StandardCharsets.UTF_8))) {
      csv.println(Sample.CSV_HEADER);
      for (long k = 0; ; k++) {
        long at = start + k * every;
        if (deadline.capped(at) != at) {
          return "completed";
        }
        deadline.sleepUntil(at);
        double seconds = (System.nanoTime() - start) / 1e9;
        Sample s = null;
        try {
          s = sampler.serverAlive() ? sampler.take(seconds) : null;
        } catch (IOException e) {
          if (sampler.serverAlive()) {
            throw e;
          }
        }
        if (s == null) { // gone before or while it was sampled
          deadline.endNow();
          errors.add("sampler", String.format(Locale.ROOT, "the server (pid %d) exited %.0f s into the run", pid, seconds));
          return String.format(Locale.ROOT, "the server exited %.0f s into the run", seconds);
        }
        csv.println(s.csv());
        csv.flush();
        if (k % 6 == 0) {
          System.err.println(progress(s, clients));
        }
      }
    }
  }

  private static String progress(Sample s, List<SoakClient> clients) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "soak %5.1f min: rss %d MiB, heap after GC %d MiB, direct %d MiB, fds %d |", s.seconds() / 60,
        s.rssKib() / 1024, s.heapKib() / 1024, s.directKib() / 1024, s.fds()));
    long problems = 0;
    for (SoakClient c : clients) {
      line.append(' ').append(c.tally().name).append(' ').append(c.tally().ok.sum()).append(" ok,");
      problems += c.tally().errors();
    }
    return line.append(" problems ").append(problems).toString();
  }

  /** Lets every client finish its connection, then closes whatever is left. */
  private static void finish(List<Thread> threads, Connections connections) throws InterruptedException {
    long until = System.currentTimeMillis() + GRACE_MILLIS;
    for (Thread t : threads) {
      t.join(Math.max(1, until - System.currentTimeMillis()));
    }
    connections.closeAll();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(5));
    }
  }

  private void writeClients(List<SoakClient> clients) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(ClientRow.CSV_HEADER);
    for (SoakClient c : clients) {
      lines.add(ClientRow.of(c).csv());
    }
    Files.write(out.resolve("clients.csv"), lines, StandardCharsets.UTF_8);
  }
}
