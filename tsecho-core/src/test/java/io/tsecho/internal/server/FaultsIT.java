package io.tsecho.internal.server;

import static io.tsecho.testing.Program.PYTHON3;
import static io.tsecho.testing.Replies.CTIME_PREFIX_LENGTH;
import static io.tsecho.testing.Replies.payload;
import static io.tsecho.testing.Replies.readLine;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tsecho.config.Fault;
import io.tsecho.config.FaultSettings;
import io.tsecho.config.Listener;
import io.tsecho.config.Transport;
import io.tsecho.config.UdpLimits;
import io.tsecho.internal.net.SocketTrace;
import io.tsecho.testing.Await;
import io.tsecho.testing.RequiresPrograms;
import io.tsecho.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Each fault, measured from the client's side of a real loopback connection. */
class FaultsIT {
  private static final Pattern SEND_LENGTH = Pattern.compile("\\] send\\((\\d+) bytes? ");

  private static TestServer serve(long seed, String... specs) throws Exception {
    List<Fault> faults = new ArrayList<>();
    for (String spec : specs) {
      faults.add(Fault.parse(spec));
    }
    return TestServer.start(Transport.AUTO, b -> b.host("127.0.0.1").udp(true)
        .udpLimits(new UdpLimits(0, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM))
        .faults(new FaultSettings(faults, seed)));
  }

  @Test
  void latencyHoldsEveryReplyForItsDurationWithinItsJitter() throws Exception {
    try (TestServer server = serve(1, "latency:150ms~50ms"); Socket s = server.connect()) {
      List<Long> rtts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long start = System.nanoTime();
        s.getOutputStream().write(("probe " + i + "\n").getBytes(ISO_8859_1));
        assertThat(payload(readLine(s.getInputStream()))).isEqualTo("probe " + i + "\n");
        rtts.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      }
      assertThat(rtts).allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(100));
      assertThat(rtts.stream().sorted().toList().get(4)).as("median").isLessThan(300);
      assertThat(server.server().faults().applied(Fault.Kind.LATENCY)).isEqualTo(1);
    }
  }

  @Test
  void bandwidthHoldsTheRateWithinTenPercent() throws Exception {
    int rate = 64 * 1024;
    try (TestServer server = serve(1, "bandwidth:64k"); Socket s = server.connect()) {
      String line = "b".repeat(99) + "\n";
      int lines = 2048; // 2048 replies of 127 bytes: about 4 s at 64 KiB/s
      long start = System.nanoTime();
      s.getOutputStream().write(line.repeat(lines).getBytes(ISO_8859_1));
      InputStream in = s.getInputStream();
      byte[] buffer = new byte[8192];
      long total = (long) lines * (CTIME_PREFIX_LENGTH + line.length());
      long received = 0;
      while (received < total) {
        int n = in.read(buffer);
        assertThat(n).isPositive();
        received += n;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      // the bucket the connection starts with leaves at once
      long paced = total - rate / TcpFaultHandler.BANDWIDTH_BURSTS_PER_SECOND;
      assertThat(paced / seconds).as("bytes per second over %.1f s", seconds).isBetween(rate * 0.9, rate * 1.1);
    }
  }

  /**
   * How the client's reads group the slices depends on how soon its thread wakes, so the test reads
   * the slices where the server writes them (the trace sits on the socket's side of the fault) and
   * checks that no read ends inside one.
   */
  @Test
  void slicesLeaveTheServerAsSeparateWritesAndNoReadEndsInsideOne() throws Exception {
    Logger trace = (Logger) LoggerFactory.getLogger(SocketTrace.LOGGER);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.list = new CopyOnWriteArrayList<>(); // appended to on the event loop
    lines.start();
    Level level = trace.getLevel();
    trace.setLevel(Level.INFO);
    trace.setAdditive(false);
    trace.addAppender(lines);
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.host("127.0.0.1").trace(true)
        .faults(new FaultSettings(List.of(Fault.parse("slice:8")), 1)));
        Socket s = server.connect()) {
      s.getOutputStream().write("sliced into eights, each flushed on its own\n".getBytes(ISO_8859_1));
      int expected = CTIME_PREFIX_LENGTH + 44;
      InputStream in = s.getInputStream();
      byte[] buffer = new byte[1024];
      List<Integer> readEnds = new ArrayList<>();
      StringBuilder reply = new StringBuilder();
      while (reply.length() < expected) {
        int n = in.read(buffer);
        assertThat(n).isPositive();
        reply.append(new String(buffer, 0, n, ISO_8859_1));
        readEnds.add(reply.length());
      }
      assertThat(payload(reply.toString())).isEqualTo("sliced into eights, each flushed on its own\n");
      assertThat(readEnds).allSatisfy(end -> assertThat(end % 8 == 0 || end == expected).as("read ending at %d", end)
          .isTrue());
      // every slice was traced before it was written, so before the client could read it
      List<Integer> sent = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
          .map(SEND_LENGTH::matcher).filter(Matcher::find).map(m -> Integer.parseInt(m.group(1))).toList();
      assertThat(sent).containsExactly(8, 8, 8, 8, 8, 8, 8, 8, 7);
    } finally {
      trace.detachAppender(lines);
      trace.setAdditive(true);
      trace.setLevel(level);
    }
  }

  @Test
  void aResetIsSeenAsConnectionResetByAJavaClient() throws Exception {
    try (TestServer server = serve(1, "reset:2"); Socket s = server.connect()) {
      s.getOutputStream().write("one\ntwo\nthree\n".getBytes(ISO_8859_1));
      InputStream in = s.getInputStream();
      assertThat(payload(readLine(in))).isEqualTo("one\n");
      assertThat(payload(readLine(in))).isEqualTo("two\n");
      assertThatThrownBy(() -> readLine(in)).isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
    }
  }

  @Test
  @RequiresPrograms(PYTHON3)
  void aResetIsSeenAsConnectionResetByAPythonClient() throws Exception {
    try (TestServer server = serve(1, "reset")) {
      String script = "import socket\n"
          + "s = socket.create_connection(('127.0.0.1', " + server.port() + "))\n"
          + "try:\n"
          + "    s.sendall(b'hello\\n')\n"
          + "    print('read', s.recv(100))\n"
          + "except ConnectionResetError as e:\n"
          + "    print('reset', e.errno)\n";
      Process p = new ProcessBuilder(PYTHON3.path().toString(), "-c", script).redirectErrorStream(true).start();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(p.getInputStream().readAllBytes(), ISO_8859_1)).isEqualTo("reset 104\n"); // ECONNRESET
    }
  }

  @Test
  void stallReadsButNeverAnswersAndRefuseResetsAtOnce() throws Exception {
    try (TestServer server = serve(1, "stall"); Socket s = server.connect()) {
      s.setSoTimeout(500);
      s.getOutputStream().write("hello?\n".getBytes(ISO_8859_1));
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    }
    try (TestServer server = serve(1, "refuse")) {
      assertThatThrownBy(() -> { // the reset can come while connect() is still finishing
        try (Socket s = server.connect()) {
          s.getOutputStream().write("hello?\n".getBytes(ISO_8859_1));
          s.getInputStream().read();
        }
      }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }
  }

  @Test
  void slowCloseWaitsAfterTheClientsEndOfInput() throws Exception {
    try (TestServer server = serve(1, "slow-close:1s"); Socket s = server.connect()) {
      s.getOutputStream().write("last\n".getBytes(ISO_8859_1));
      long start = System.nanoTime(); // before the end of input that starts the server's wait
      s.shutdownOutput();
      assertThat(payload(readLine(s.getInputStream()))).isEqualTo("last\n");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1000));
    }
  }

  /** With a fixed seed the drops are one draw per datagram; their count stays within a binomial bound. */
  @Test
  void udpDropsFollowTheirProbability() throws Exception {
    int datagrams = 400;
    double p = 0.3;
    try (TestServer server = serve(12345, "drop@0.3");
        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      // Replies are counted as they come: a socket buffer holding hundreds would drop some of its own.
      AtomicInteger answered = new AtomicInteger();
      Thread reader = new Thread(() -> {
        try {
          while (true) {
            client.receive(new DatagramPacket(new byte[2048], 2048));
            answered.incrementAndGet();
          }
        } catch (IOException closed) {
          // the test is over
        }
      }, "udp-replies");
      reader.setDaemon(true);
      reader.start();
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", udpPort(server));
      for (int i = 0; i < datagrams; i++) {
        byte[] payload = ("d" + i).getBytes(ISO_8859_1);
        client.send(new DatagramPacket(payload, payload.length, target));
        Thread.sleep(1);
      }
      UdpDrops drops = server.server().udpDrops();
      Await.until("the server has answered or dropped every datagram", () -> drops.replies() == datagrams);
      long dropped = server.server().faults().applied(Fault.Kind.DROP);
      Await.until("every reply not dropped has arrived", () -> answered.get() == datagrams - dropped);
      double mean = datagrams * (1 - p);
      double sigma = Math.sqrt(datagrams * p * (1 - p));
      assertThat((double) answered.get()).isBetween(mean - 4 * sigma, mean + 4 * sigma);
    }
  }

  @Test
  void udpDuplicateSendsTwiceAndTruncateCutsEachCopy() throws Exception {
    try (TestServer server = serve(1, "duplicate", "truncate:12");
        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      client.setSoTimeout(5_000);
      send(client, udpPort(server), "twice, and cut");
      String first = receive(client);
      String second = receive(client);
      assertThat(first).hasSize(12).startsWith("[").isEqualTo(second);
      client.setSoTimeout(300);
      assertThat(receive(client)).as("exactly two").isNull();
    }
  }

  @Test
  void udpDelayHoldsTheReply() throws Exception {
    try (TestServer server = serve(1, "delay:300ms");
        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      client.setSoTimeout(5_000);
      long start = System.nanoTime();
      send(client, udpPort(server), "later");
      assertThat(payload(receive(client))).isEqualTo("later");
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    }
  }

  @Test
  void udpReorderSendsAHeldReplyAfterTheNextOne() throws Exception {
    try (TestServer server = serve(1, "reorder");
        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      client.setSoTimeout(5_000);
      send(client, udpPort(server), "first");
      Thread.sleep(100); // the server has it, and holds its reply
      send(client, udpPort(server), "second");
      assertThat(payload(receive(client))).isEqualTo("second");
      assertThat(payload(receive(client))).isEqualTo("first");
      long start = System.nanoTime(); // before the datagram whose arrival starts the server's hold
      send(client, udpPort(server), "alone");
      assertThat(payload(receive(client))).as("no reply follows: the held one goes after a second").isEqualTo("alone");
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(900));
    }
  }

  private static int udpPort(TestServer server) {
    return server.server().bound().stream().filter(b -> b.listener().protocol() == io.tsecho.config.Protocol.UDP)
        .findFirst().orElseThrow().address().getPort();
  }

  private static void send(DatagramSocket client, int port, String payload) throws Exception {
    byte[] bytes = payload.getBytes(ISO_8859_1);
    client.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", port)));
  }

  private static String receive(DatagramSocket client) throws Exception {
    DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
    try {
      client.receive(reply);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return new String(reply.getData(), 0, reply.getLength(), ISO_8859_1);
  }
}
