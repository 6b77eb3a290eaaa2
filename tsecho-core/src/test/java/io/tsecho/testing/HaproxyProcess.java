package io.tsecho.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * HAProxy in the foreground with a configuration the test writes, its frontends on free loopback
 * ports, and a stats socket through which the test reads each server's state as HAProxy sees it.
 */
public final class HaproxyProcess implements AutoCloseable {
  private static final int ATTEMPTS = 3;
  private static final Pattern BIND_FAILED = Pattern.compile("cannot bind|Address already in use");

  private final Process process;
  private final List<Integer> ports;
  private final Path output;
  private final Path stats;

  private HaproxyProcess(Process process, List<Integer> ports, Path output, Path stats) {
    this.process = process;
    this.ports = ports;
    this.output = output;
    this.stats = stats;
  }

  /**
   * Starts HAProxy with the configuration {@code config} makes for a frontend port, after a
   * {@code global} section that opens the stats socket, and waits until the frontend accepts
   * connections. If another program takes the port meanwhile, it tries another, at most
   * {@value #ATTEMPTS} times.
   */
  public static HaproxyProcess start(Path dir, IntFunction<String> config) throws Exception {
    return start(dir, 1, ports -> config.apply(ports.get(0)));
  }

  /** As {@link #start(Path, IntFunction)}, with {@code frontends} ports for as many frontends: {@link #port(int)}. */
  public static HaproxyProcess start(Path dir, int frontends, Function<List<Integer>, String> config) throws Exception {
    for (int attempt = 1; ; attempt++) {
      List<Integer> ports = freePorts(frontends);
      Path stats = dir.resolve("haproxy-" + attempt + ".sock");
      Path file = dir.resolve("haproxy-" + attempt + ".cfg");
      Files.writeString(file, "global\n    maxconn 1000\n    stats socket " + stats + " level admin\n"
          + config.apply(ports), UTF_8);
      Path output = dir.resolve("haproxy-" + attempt + ".log");
      Process process = new ProcessBuilder(Program.HAPROXY.path(), "-db", "-f", file.toString())
          .redirectErrorStream(true).redirectOutput(output.toFile()).start();
      HaproxyProcess proxy = new HaproxyProcess(process, ports, output, stats);
      if (proxy.awaitListening()) {
        return proxy;
      }
      proxy.close();
      if (attempt == ATTEMPTS || !BIND_FAILED.matcher(proxy.output()).find()) {
        throw new AssertionError("haproxy did not start:\n" + proxy.output());
      }
    }
  }

  /** Distinct ports: every socket stays open until all are taken. */
  private static List<Integer> freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  /** Whether every frontend accepts connections within 10 s: HAProxy binds them all before it serves. */
  private boolean awaitListening() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int port : ports) {
      if (!awaitListening(port, deadline)) {
        return false;
      }
    }
    return true;
  }

  private boolean awaitListening(int port, long deadline) throws InterruptedException {
    while (process.isAlive() && System.nanoTime() - deadline < 0) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
        return true;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    return false;
  }

  /** The frontend's port, or the first frontend's. */
  public int port() {
    return port(0);
  }

  /** The port of frontend {@code index}, in the order the configuration was given them. */
  public int port(int index) {
    return ports.get(index);
  }

  /** What HAProxy printed: its warnings and alerts, servers going up and down. */
  public String output() throws IOException {
    return Files.exists(output) ? Files.readString(output, UTF_8) : "";
  }

  /** Each server of {@code backend} and its status as {@code show stat} gives it: UP, DOWN, ... */
  public Map<String, String> serverStatus(String backend) throws IOException {
    String csv = command("show stat");
    String[] header = csv.lines().findFirst().orElse("").replaceFirst("^# ", "").split(",", -1);
    int status = Arrays.asList(header).indexOf("status");
    if (status < 0) {
      throw new AssertionError("no status column in HAProxy's show stat:\n" + csv);
    }
    Map<String, String> servers = new LinkedHashMap<>();
    csv.lines().skip(1).map(l -> l.split(",", -1))
        .filter(f -> f.length > status && f[0].equals(backend) && !f[1].equals("BACKEND"))
        .forEach(f -> servers.put(f[1], f[status]));
    return servers;
  }

  /** Sends one command to the stats socket and returns the whole answer. */
  public String command(String line) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(stats));
      channel.write(ByteBuffer.wrap((line + "\n").getBytes(ISO_8859_1)));
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (channel.read(buffer) >= 0) { // HAProxy closes the socket after one command
        answer.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return answer.toString(ISO_8859_1);
    }
  }

  /** Stops HAProxy: SIGTERM, then SIGKILL if it has not gone within 5 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
