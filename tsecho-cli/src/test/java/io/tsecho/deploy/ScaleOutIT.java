package io.tsecho.deploy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.internal.cli.ExitCodes;
import io.tsecho.internal.cli.TsechoCommand;
import io.tsecho.testing.HaproxyProcess;
import io.tsecho.testing.JsonText;
import io.tsecho.testing.Program;
import io.tsecho.testing.Replies;
import io.tsecho.testing.RequiresPrograms;
import io.tsecho.testing.TsechoProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out on one machine, as deploy/local runs it, in short: three tsecho instances behind a real
 * HAProxy (roundrobin, send-proxy-v2, HTTP checks on each one's /readyz), loaded by bench shards
 * through it, and one instance drained under load. HAProxy's roundrobin hands sequential new
 * connections to the servers in turn, so their spread is asserted exactly.
 */
@RequiresPrograms(Program.HAPROXY)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ScaleOutIT {
  private static final Pattern ADMIN = Pattern.compile("tsecho: admin on http://127\\.0\\.0\\.1:(\\d+) ");
  private static final Pattern ACCEPTED = Pattern.compile("(?m)^tsecho_connections_accepted_total\\{[^}]*} (\\S+)$");
  private static final Pattern WHOAMI = Pattern.compile(
      "^\\[[^]]+] instance=(\\S+) host=\\S+ local=\\S+ peer=(\\S+) via=(\\S+) proto=tcp tls=- msg=(.*)\n$");
  private static final long WAIT_MILLIS = 20_000;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path shared;
  private static Cluster cluster;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    cluster = Cluster.start(shared, "1s");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** One tsecho server: whoami behind a PROXY header, with its admin endpoint. */
  private record Instance(String name, TsechoProcess process, int port, int admin) {
    static Instance start(String name, String drainDelay) throws Exception {
      TsechoProcess p = TsechoProcess.serve("--listen", "whoami/tcp/127.0.0.1:0", "--admin", "127.0.0.1:0",
          "--drain-delay", drainDelay, "--proxy-protocol", "required", "--instance", name);
      return new Instance(name, p, p.port(), Integer.parseInt(p.awaitStderr(ADMIN).group(1)));
    }

    String metrics() throws Exception {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    long accepted() throws Exception {
      Matcher m = ACCEPTED.matcher(metrics());
      assertThat(m.find()).as("an accepted count in %s's metrics", name).isTrue();
      return (long) Double.parseDouble(m.group(1));
    }
  }

  /** Three instances and the HAProxy in front of them, every server UP. */
  private record Cluster(List<Instance> instances, HaproxyProcess proxy) implements AutoCloseable {
    static Cluster start(Path dir, String drainDelay) throws Exception {
      List<Instance> instances = new ArrayList<>();
      try {
        for (String name : List.of("i0", "i1", "i2")) {
          instances.add(Instance.start(name, drainDelay));
        }
        HaproxyProcess proxy = HaproxyProcess.start(dir, port -> config(port, instances));
        Cluster cluster = new Cluster(instances, proxy);
        waitFor(() -> cluster.status().values().stream().allMatch("UP"::equals), "every server UP", proxy);
        return cluster;
      } catch (Exception | AssertionError e) {
        for (Instance i : instances) {
          i.process().close();
        }
        throw e;
      }
    }

    /** As deploy/local/run.sh writes it. */
    private static String config(int port, List<Instance> instances) {
      StringBuilder c = new StringBuilder(String.join("\n",
          "defaults",
          "    mode tcp",
          "    timeout connect 5s",
          "    timeout client 60s",
          "    timeout server 60s",
          "    timeout check 2s",
          "frontend fe",
          "    bind 127.0.0.1:" + port,
          "    default_backend tsecho",
          "backend tsecho",
          "    balance roundrobin",
          "    option httpchk",
          "    http-check send meth GET uri /readyz",
          "    http-check expect status 200",
          ""));
      for (Instance i : instances) {
        c.append("    server ").append(i.name()).append(" 127.0.0.1:").append(i.port())
            .append(" send-proxy-v2 check port ").append(i.admin()).append(" inter 200ms fall 3 rise 2\n");
      }
      return c.toString();
    }

    Map<String, String> status() {
      try {
        return proxy.serverStatus("tsecho");
      } catch (Exception e) {
        throw new AssertionError("HAProxy's stats socket: " + e, e);
      }
    }

    Map<String, Long> accepted() throws Exception {
      Map<String, Long> counts = new TreeMap<>();
      for (Instance i : instances) {
        counts.put(i.name(), i.accepted());
      }
      return counts;
    }

    @Override
    public void close() throws Exception {
      try {
        proxy.close();
      } finally {
        for (Instance i : instances) {
          i.process().close();
        }
      }
    }
  }

  @Test
  void roundrobinGivesEachInstanceAThirdOfNewConnectionsAndEachSeesTheRealClient() throws Exception {
    Map<String, Integer> answered = new TreeMap<>();
    Map<String, String> logged = new TreeMap<>();
    for (int k = 0; k < 9; k++) {
      try (Socket client = new Socket()) {
        client.setSoTimeout(10_000);
        client.bind(new InetSocketAddress("127.0.0.2", 0));
        client.connect(new InetSocketAddress("127.0.0.1", cluster.proxy().port()), 5_000);
        client.getOutputStream().write(("hello " + k + "\n").getBytes(ISO_8859_1));
        String reply = Replies.readLine(client.getInputStream());
        Matcher m = WHOAMI.matcher(reply);
        assertThat(m.matches()).as(reply).isTrue();
        assertThat(m.group(2)).as("the real client").isEqualTo("127.0.0.2:" + client.getLocalPort());
        assertThat(m.group(3)).as("the proxy").startsWith("127.0.0.1:");
        assertThat(m.group(4)).isEqualTo("hello " + k);
        answered.merge(m.group(1), 1, Integer::sum);
        logged.put("peer=127.0.0.2:" + client.getLocalPort() + " via=127.0.0.1:", m.group(1));
      }
    }
    assertThat(answered).isEqualTo(Map.of("i0", 3, "i1", 3, "i2", 3));
    // Each connection's line, written when it closes, names the client HAProxy had, on the instance that answered.
    for (Map.Entry<String, String> e : logged.entrySet()) {
      Instance instance = cluster.instances().stream().filter(i -> i.name().equals(e.getValue())).findFirst()
          .orElseThrow();
      waitFor(() -> instance.process().stderr().contains(e.getKey()), e.getValue() + " logs " + e.getKey(),
          cluster.proxy());
    }
  }

  @Test
  void threeShardsThroughHaproxyMergeIntoOneRunWithoutErrorsAndEachInstanceCountsItsShare() throws Exception {
    Map<String, Long> before = cluster.accepted();
    // Room for three shards to connect on a loaded machine; one still connecting at the start fails.
    Instant start = Instant.now().plusSeconds(10).truncatedTo(ChronoUnit.MILLIS);
    List<CompletableFuture<Bench>> shards = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String[] args = {"bench", "127.0.0.1", String.valueOf(cluster.proxy().port()), "--service", "whoami",
          "-c", "9", "--shard", i + "/3", "--start-at", start.toString(), "--warmup", "500ms", "-t", "2s",
          "--timeout", "30s", "--hdr-log", dir.resolve("shard-" + i + ".hlog").toString()};
      shards.add(Bench.start(args));
    }
    long requests = 0;
    for (CompletableFuture<Bench> shard : shards) {
      Bench b = shard.get(60, TimeUnit.SECONDS);
      assertThat(b.exit()).as(b.out() + b.err()).isZero();
      requests += number(b.out(), "(\\d+) requests in");
    }

    Bench merged = Bench.run("bench", "merge", "--json", dir.resolve("shard-0.hlog").toString(),
        dir.resolve("shard-1.hlog").toString(), dir.resolve("shard-2.hlog").toString());
    assertThat(merged.exit()).as(merged.err()).isZero();
    Map<String, Object> report = JsonText.object(merged.out());
    assertThat(count(report, "connections")).isEqualTo(9);
    assertThat(count(report, "requests")).isEqualTo(requests).isPositive();
    assertThat(count(object(report, "errors"), "total")).isZero();
    assertThat(count(report, "connections_lost")).isZero();
    assertThat(report.get("ok")).isEqualTo(true);
    Map<String, Object> instances = object(report, "instances");
    assertThat(instances.keySet()).containsExactly("i0", "i1", "i2");
    Map<String, Long> after = cluster.accepted();
    for (String name : instances.keySet()) {
      assertThat(count(object(instances, name), "connections")).as("nine connections in turn: three each").isEqualTo(3);
      assertThat(after.get(name) - before.get(name)).as("%s's metrics count its share", name).isEqualTo(3L);
    }
  }

  @Test
  void aDrainedInstanceLeavesHaproxysRotationAndBenchLosesOnlyTheConnectionsItClosed() throws Exception {
    try (Cluster drained = Cluster.start(dir, "10s")) {
      Instance victim = drained.instances().get(0);
      String[] loadArgs = {"bench", "127.0.0.1", String.valueOf(drained.proxy().port()), "--service", "whoami",
          "-c", "6", "--warmup", "0", "-t", "20s", "--timeout", "30s"};
      CompletableFuture<Bench> load = Bench.start(loadArgs);
      waitFor(() -> openConnections(drained) == 6, "the load's six connections open", drained.proxy());

      victim.process().sigterm();
      waitFor(() -> "DOWN".equals(drained.status().get(victim.name())), "HAProxy marks " + victim.name() + " DOWN",
          drained.proxy());
      assertThat(victim.process().stderr()).as("still in its drain delay").doesNotContain("drained in");

      Bench during = Bench.run("bench", "127.0.0.1", String.valueOf(drained.proxy().port()), "--service", "whoami",
          "-c", "4", "-n", "400", "--warmup", "0", "--timeout", "30s");
      assertThat(during.exit()).as(during.out() + during.err()).isZero();
      assertThat(during.out()).doesNotContain("instance " + victim.name() + ":")
          .contains("instance i1: 200 replies (50.0%), 2 connection(s) (50.0%)")
          .contains("instance i2: 200 replies (50.0%), 2 connection(s) (50.0%)");

      Bench loaded = load.get(90, TimeUnit.SECONDS);
      assertThat(loaded.exit()).as(loaded.out() + loaded.err()).isEqualTo(ExitCodes.BENCH_ERRORS);
      Matcher errors = Pattern.compile("errors (\\d+): wrong (\\d+), missing (\\d+), extra (\\d+), late (\\d+);"
          + " connections failed (\\d+), lost (\\d+)").matcher(loaded.out());
      assertThat(errors.find()).as(loaded.out()).isTrue();
      assertThat(errors.group(2)).as("wrong").isEqualTo("0");
      assertThat(errors.group(4)).as("extra").isEqualTo("0");
      assertThat(errors.group(5)).as("late").isEqualTo("0");
      assertThat(errors.group(6)).as("failed").isEqualTo("0");
      assertThat(errors.group(7)).as("the two connections the drained instance closed").isEqualTo("2");
      // At most the one request each of them had in flight when it closed (depth 1).
      assertThat(Long.parseLong(errors.group(3))).as("missing").isBetween(0L, 2L);
      // (A reply is missing only after 30 s: on a loaded machine a request can wait seconds for a core.)
      assertThat(loaded.out()).contains("instance " + victim.name() + ": ").contains("instance i1: ")
          .contains("instance i2: ");
      assertThat(victim.process().awaitExit(30)).isZero();
      assertThat(victim.process().stderr()).contains("drained in");
    }
  }

  private static long openConnections(Cluster c) {
    long open = 0;
    for (Instance i : c.instances()) {
      Matcher m = Pattern.compile("(?m)^tsecho_connections_open\\{[^}]*} (\\S+)$").matcher(uncheckedMetrics(i));
      open += m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
    return open;
  }

  private static String uncheckedMetrics(Instance i) {
    try {
      return i.metrics();
    } catch (Exception e) {
      return "";
    }
  }

  /** A bench command run in this JVM, and what it printed. */
  private record Bench(int exit, String out, String err) {
    static Bench run(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int exit = TsechoCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
      return new Bench(exit, out.toString(), err.toString());
    }

    /**
     * Runs it on a thread of its own. JDK 25 runs supplyAsync's tasks in the common pool, one thread
     * on two cores (17 gave each task a thread): shards would run one after another, past their start.
     */
    static CompletableFuture<Bench> start(String... args) {
      return CompletableFuture.supplyAsync(() -> run(args), task -> new Thread(task, "bench").start());
    }
  }

  private static long count(Map<String, Object> json, String key) {
    return ((Number) json.get(key)).longValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Map<String, Object> json, String key) {
    return (Map<String, Object>) json.get(key);
  }

  private static long number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("%s in %s", regex, text).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static void waitFor(BooleanSupplier condition, String what, HaproxyProcess proxy) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not seen within " + WAIT_MILLIS + " ms: " + what + "\nHAProxy said:\n"
            + proxy.output());
      }
      Thread.sleep(50);
    }
  }
}
