package io.tsecho.internal.server;

import static io.tsecho.testing.Program.PYTHON3;
import static io.tsecho.testing.Replies.CTIME_PREFIX_LENGTH;
import static io.tsecho.testing.Replies.payload;
import static io.tsecho.testing.Replies.readLine;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.config.Fault;
import io.tsecho.config.FaultSettings;
import io.tsecho.config.Listener;
import io.tsecho.config.Transport;
import io.tsecho.config.UdpLimits;
import io.tsecho.testing.RequiresPrograms;
import io.tsecho.testing.TestServer;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each fault, measured from the client's side of a real loopback connection. */
class FaultsIT {

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
      s.getOutputStream().write(line.repeat(lines).getBytes(ISO_8859_1));
      InputStream in = s.getInputStream();
      byte[] buffer = new byte[8192];
      long total = (long) lines * (CTIME_PREFIX_LENGTH + line.length());
      long received = in.read(buffer);
      long firstAt = System.nanoTime();
      long measured = 0;
      while (received < total) {
        int n = in.read(buffer);
        assertThat(n).isPositive();
        received += n;
        measured += n;
      }
      double seconds = (System.nanoTime() - firstAt) / 1e9;
      assertThat(measured / seconds).as("bytes per second over %.1f s", seconds).isBetween(rate * 0.9, rate * 1.1);
    }
  }

  @Test
  void slicesReachTheClientAsSeparateReads() throws Exception {
    try (TestServer server = serve(1, "slice:8"); Socket s = server.connect()) {
      s.getOutputStream().write("sliced into eights, each flushed on its own\n".getBytes(ISO_8859_1));
      int expected = CTIME_PREFIX_LENGTH + 44;
      InputStream in = s.getInputStream();
      byte[] buffer = new byte[1024];
      List<Integer> reads = new ArrayList<>();
      StringBuilder reply = new StringBuilder();
      while (reply.length() < expected) {
        int n = in.read(buffer);
        reads.add(n);
        reply.append(new String(buffer, 0, n, ISO_8859_1));
      }
      assertThat(payload(reply.toString())).isEqualTo("sliced into eights, each flushed on its own\n");
      // A slice goes a millisecond after the one before: a reader held up longer can take two at once.
      assertThat(reads).hasSizeGreaterThanOrEqualTo((expected + 7) / 8 / 2);
      assertThat(reads.stream().filter(n -> n == 8).count()).isGreaterThanOrEqualTo(reads.size() / 2);
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
      s.shutdownOutput();
      long start = System.nanoTime();
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
      client.setSoTimeout(2_000);
      Future<Integer> replies = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "udp-replies");
        t.setDaemon(true);
        return t;
      }).submit(() -> {
        int n = 0;
        while (receive(client) != null) {
          n++;
        }
        return n;
      });
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", udpPort(server));
      for (int i = 0; i < datagrams; i++) {
        byte[] payload = ("d" + i).getBytes(ISO_8859_1);
        client.send(new DatagramPacket(payload, payload.length, target));
        Thread.sleep(1);
      }
      int answered = replies.get(60, TimeUnit.SECONDS);
      double mean = datagrams * (1 - p);
      double sigma = Math.sqrt(datagrams * p * (1 - p));
      assertThat((double) answered).isBetween(mean - 4 * sigma, mean + 4 * sigma);
      assertThat(server.server().faults().applied(Fault.Kind.DROP)).isEqualTo(datagrams - answered);
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
      send(client, udpPort(server), "alone");
      long start = System.nanoTime();
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
