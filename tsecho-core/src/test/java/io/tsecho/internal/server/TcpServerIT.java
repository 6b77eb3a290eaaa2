package io.tsecho.internal.server;

import static io.tsecho.testing.Replies.CTIME_PREFIX_LENGTH;
import static io.tsecho.testing.Replies.payload;
import static io.tsecho.testing.Replies.readLine;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Transport;
import io.tsecho.internal.net.Addresses;
import io.tsecho.protocol.Framing;
import io.tsecho.testing.Loopback;
import io.tsecho.testing.Replies;
import io.tsecho.testing.TestServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The TCP server over real loopback sockets, on every transport. */
class TcpServerIT {

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aClassicClientSendingNoNewlineGetsItsReply(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport); Socket s = server.connect()) {
      s.getOutputStream().write("hello, classic".getBytes(ISO_8859_1));
      byte[] reply = Replies.readExactly(s.getInputStream(), CTIME_PREFIX_LENGTH + 14);
      assertThat(payload(new String(reply, ISO_8859_1))).isEqualTo("hello, classic");
      s.getOutputStream().write("again".getBytes(ISO_8859_1));
      reply = Replies.readExactly(s.getInputStream(), CTIME_PREFIX_LENGTH + 5);
      assertThat(payload(new String(reply, ISO_8859_1))).isEqualTo("again");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void fiveHundredConcurrentClientsEachGetEveryReplyInOrder(Transport transport) throws Exception {
    int clients = 500;
    int lines = 20;
    try (TestServer server = TestServer.start(transport)) {
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int c = 0; c < clients; c++) {
          sockets.add(server.connect());
        }
        // Every client pipelines all its lines before any reply is read.
        for (int c = 0; c < clients; c++) {
          StringBuilder batch = new StringBuilder();
          for (int l = 0; l < lines; l++) {
            batch.append("client ").append(c).append(" line ").append(l).append('\n');
          }
          sockets.get(c).getOutputStream().write(batch.toString().getBytes(ISO_8859_1));
        }
        awaitOpenConnections(server, clients);
        for (int c = 0; c < clients; c++) {
          InputStream in = sockets.get(c).getInputStream();
          for (int l = 0; l < lines; l++) {
            assertThat(payload(readLine(in))).isEqualTo("client " + c + " line " + l + "\n");
          }
        }
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aBurstOfConnectionsIsAcceptedManyToAWakeUp(Transport transport) throws Exception {
    int burst = 100;
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch queued = new CountDownLatch(1);
    AtomicBoolean heldTooLong = new AtomicBoolean();
    List<Integer> acceptedPerWake = new CopyOnWriteArrayList<>();
    // The first connection holds the loop until the burst waits in the kernel's accept queue. Tasks
    // run after the loop's I/O, so a task queued by a wake's first accept counts that wake's accepts.
    ListenerEvents events = new ListenerEvents() {
      private int inThisWake;

      @Override
      public void accepted(EventLoop loop) {
        if (inThisWake++ == 0) {
          loop.execute(() -> {
            acceptedPerWake.add(inThisWake);
            inThisWake = 0;
          });
        }
        if (holding.getCount() > 0) {
          holding.countDown();
          try {
            heldTooLong.set(!queued.await(10, TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
    ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).transport(transport).threads(1).build();
    TsechoServer server = TsechoServer.start(config, Clock.systemUTC(), listener -> events);
    List<Socket> sockets = new ArrayList<>();
    try {
      InetSocketAddress address = server.localAddress();
      for (int i = 0; i <= burst; i++) {
        Socket socket = new Socket();
        socket.connect(address, 5_000);
        sockets.add(socket);
        if (i == 0) {
          assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        }
      }
      queued.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (acceptedPerWake.stream().mapToInt(Integer::intValue).sum() < burst + 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(heldTooLong).isFalse();
      // epoll goes on accepting after the held connection; NIO accepts a wake's connections before
      // handing any on, so the held one was alone in its wake.
      assertThat(acceptedPerWake).containsExactlyElementsOf(transport == Transport.EPOLL
          ? List.of(Bootstraps.ACCEPTS_PER_WAKE, burst + 1 - Bootstraps.ACCEPTS_PER_WAKE)
          : List.of(1, Bootstraps.ACCEPTS_PER_WAKE, burst - Bootstraps.ACCEPTS_PER_WAKE));
    } finally {
      queued.countDown();
      for (Socket socket : sockets) {
        socket.close();
      }
      server.close();
    }
  }

  private static void awaitOpenConnections(TestServer server, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.server().openConnections() != expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(server.server().openConnections()).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void oneServerAnswersOnIpv4AndIpv6Loopback(Transport transport) throws Exception {
    Loopback.assumeIpv6();
    try (TestServer server = TestServer.start(transport)) {
      assertThat(Addresses.format(server.server().localAddress())).isEqualTo("[::]:" + server.port());
      for (String loopback : new String[] {"127.0.0.1", "::1"}) {
        try (Socket s = server.connect(loopback)) {
          s.getOutputStream().write(("via " + loopback + "\n").getBytes(ISO_8859_1));
          assertThat(payload(readLine(s.getInputStream()))).isEqualTo("via " + loopback + "\n");
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aServerBoundToIpv6LoopbackOnlyServesIpv6(Transport transport) throws Exception {
    Loopback.assumeIpv6();
    try (TestServer server = TestServer.start(transport, b -> b.host("::1"))) {
      assertThat(Addresses.format(server.server().localAddress())).isEqualTo("[::1]:" + server.port());
      try (Socket s = server.connect("::1")) {
        s.getOutputStream().write("six\n".getBytes(ISO_8859_1));
        assertThat(payload(readLine(s.getInputStream()))).isEqualTo("six\n");
      }
      assertThatThrownBy(() -> server.connect("127.0.0.1")).isInstanceOf(ConnectException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void binaryBytesComeBackUnchanged(Transport transport) throws Exception {
    byte[] sent = new byte[4096];
    new Random(42).nextBytes(sent);
    sent[sent.length - 1] = '\n';
    try (TestServer server = TestServer.start(transport, b -> b.framing(Framing.LINE)); Socket s = server.connect()) {
      s.getOutputStream().write(sent);
      s.shutdownOutput();
      String all = Replies.readToEnd(s);
      StringBuilder payloads = new StringBuilder();
      int lines = 0;
      for (String reply : all.split("(?<=\n)")) {
        payloads.append(payload(reply));
        lines++;
      }
      assertThat(payloads.toString().getBytes(ISO_8859_1)).isEqualTo(sent);
      int newlines = 0;
      for (byte b : sent) {
        newlines += b == '\n' ? 1 : 0;
      }
      assertThat(lines).isEqualTo(newlines);
    }
  }

  /**
   * Several clients write lines of random length in writes of up to 64 KiB, all at once; every reply
   * must carry exactly one whole line, in order.
   */
  /**
   * In auto framing a piece of a line is answered on its own only when the client pauses mid-line
   * for the quiet period, which a loaded machine can make happen. So the check does not lean on
   * timing: every byte comes back once, in order, and every line that came back in pieces was
   * split where the server counted a piece answered after a pause.
   */
  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void pipelinedLinesComeBackWholeExceptWhereTheServerAnsweredAPiece(Transport transport) throws Exception {
    int clients = 8;
    int linesPerClient = 3000;
    ExecutorService pool = Executors.newFixedThreadPool(clients * 2);
    try (TestServer server = TestServer.start(transport)) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        long seed = c;
        results.add(pool.submit(() -> pipelineAndCheck(server, pool, seed, linesPerClient)));
      }
      int splitLines = 0;
      for (Future<Integer> result : results) {
        splitLines += result.get(120, TimeUnit.SECONDS);
      }
      assertThat(splitLines).isEqualTo(server.server().connectionStats().piecesAnswered());
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> randomLines(long seed, int count) {
    Random random = new Random(seed);
    List<String> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = random.nextInt(10) == 0 ? 1 + random.nextInt(8000) : 1 + random.nextInt(120);
      StringBuilder line = new StringBuilder(length + 1).append(seed).append(':').append(i).append(':');
      while (line.length() < length) {
        line.append((char) ('a' + random.nextInt(26)));
      }
      lines.add(line.append('\n').toString());
    }
    return lines;
  }

  /** Sends every line pipelined, checks every reply; returns how many pieces came back without a newline. */
  private static int pipelineAndCheck(TestServer server, ExecutorService pool, long seed, int count) throws Exception {
    List<String> lines = randomLines(seed, count);
    try (Socket s = server.connect()) {
      Future<?> writer = pool.submit(() -> {
        OutputStream out = s.getOutputStream();
        ByteArrayOutputStream write = new ByteArrayOutputStream(64 * 1024);
        for (String line : lines) {
          byte[] bytes = line.getBytes(ISO_8859_1);
          if (write.size() + bytes.length > 64 * 1024) {
            out.write(write.toByteArray());
            write.reset();
          }
          write.write(bytes);
        }
        out.write(write.toByteArray());
        s.shutdownOutput();
        return null;
      });
      InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
      int pieces = 0;
      for (String line : lines) {
        StringBuilder whole = new StringBuilder(payload(readReply(in, line.length())));
        while (whole.charAt(whole.length() - 1) != '\n') {
          pieces++;
          whole.append(payload(readReply(in, line.length() - whole.length())));
        }
        assertThat(whole.toString()).isEqualTo(line);
      }
      assertThat(in.read()).as("nothing after the last reply").isEqualTo(-1);
      writer.get(10, TimeUnit.SECONDS);
      return pieces;
    }
  }

  /**
   * Reads one stamped reply of at most {@code maxPayload} payload bytes: up to its newline, or up to
   * the next stamp when it is a piece answered without one (the lines hold no '[').
   */
  private static String readReply(InputStream in, int maxPayload) throws Exception {
    byte[] head = Replies.readExactly(in, CTIME_PREFIX_LENGTH);
    StringBuilder reply = new StringBuilder(new String(head, ISO_8859_1));
    for (int i = 0; i < maxPayload; i++) {
      in.mark(1);
      int b = in.read();
      if (b == '[') {
        in.reset();
        break;
      }
      if (b < 0) {
        break;
      }
      reply.append((char) b);
      if (b == '\n') {
        break;
      }
    }
    return reply.toString();
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void anOverLongLineGetsAnErrorLineAndOnlyThatClientIsClosed(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b.maxLine(1000));
        Socket bad = server.connect();
        Socket good = server.connect()) {
      good.getOutputStream().write("before\n".getBytes(ISO_8859_1));
      assertThat(payload(readLine(good.getInputStream()))).isEqualTo("before\n");

      bad.getOutputStream().write(("x".repeat(5000) + "\n").getBytes(ISO_8859_1));
      assertThat(Replies.readToEnd(bad))
          .isEqualTo("tsecho error: line too long (more than 1000 bytes without a newline); closing\n");

      good.getOutputStream().write("after\n".getBytes(ISO_8859_1));
      assertThat(payload(readLine(good.getInputStream()))).isEqualTo("after\n");
    }
  }

  /**
   * A client that writes and never reads: the server must stop reading it once its replies back up,
   * instead of buffering without bound, and must go on serving others.
   */
  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aClientThatNeverReadsIsThrottledAndOthersAreStillServed(Transport transport) throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (TestServer server = TestServer.start(transport, b -> b.receiveBufferSize(64 * 1024).sendBufferSize(64 * 1024))) {
      Socket hog = new Socket();
      hog.setReceiveBufferSize(64 * 1024);
      hog.setSendBufferSize(64 * 1024);
      hog.connect(new InetSocketAddress("127.0.0.1", server.port()));
      AtomicLong written = new AtomicLong();
      byte[] chunk = ("y".repeat(99) + "\n").repeat(100).getBytes(ISO_8859_1); // 100 lines of 100 bytes
      long limit = 256L << 20;
      Future<?> writer = pool.submit(() -> {
        OutputStream out = hog.getOutputStream();
        while (written.get() < limit) {
          out.write(chunk);
          written.addAndGet(chunk.length);
        }
        return null;
      });
      // The writer must stall: poll until the count stops moving.
      long previous = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        Thread.sleep(300);
        long now = written.get();
        if (now == previous) {
          break;
        }
        previous = now;
      }
      assertThat(writer.isDone()).as("the writer should be blocked by the server's backpressure").isFalse();
      // Kernel buffers on both sides plus the server's high-water mark: a few MiB at most, not 256 MiB.
      assertThat(written.get()).isLessThan(32L << 20);

      try (Socket other = server.connect()) {
        other.getOutputStream().write("still here\n".getBytes(ISO_8859_1));
        assertThat(payload(readLine(other.getInputStream()))).isEqualTo("still here\n");
      }

      // Once the hog reads, everything it was owed arrives, line by line, in order.
      InputStream in = hog.getInputStream();
      hog.setSoTimeout(10_000);
      for (int i = 0; i < 1000; i++) {
        assertThat(payload(readLine(in))).hasSize(100);
      }
      hog.close();
      writer.cancel(true);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aClientBeyondMaxConnectionsGetsOneErrorLineAndIsClosed(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b.maxConnections(3))) {
      List<Socket> admitted = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Socket s = server.connect();
        s.getOutputStream().write("in\n".getBytes(ISO_8859_1));
        assertThat(payload(readLine(s.getInputStream()))).isEqualTo("in\n");
        admitted.add(s);
      }
      for (int i = 0; i < 5; i++) {
        try (Socket refused = server.connect()) {
          assertThat(Replies.readToEnd(refused)).isEqualTo("tsecho error: too many connections (limit 3); closing\n");
        }
      }
      assertThat(server.server().openConnections()).isEqualTo(3);
      admitted.remove(0).close();
      awaitOpenConnections(server, 2);
      try (Socket s = server.connect()) {
        s.getOutputStream().write("room again\n".getBytes(ISO_8859_1));
        assertThat(payload(readLine(s.getInputStream()))).isEqualTo("room again\n");
      }
      for (Socket s : admitted) {
        s.close();
      }
    }
  }

  @Test
  void theListeningLineSaysWhatBacklogTheKernelGranted() throws Exception {
    int somaxconn = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim());
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.backlog(65_535))) {
      assertThat(server.server().listeningLines().get(0)).contains(somaxconn >= 65_535
          ? "backlog 65535,"
          : "backlog " + somaxconn + " (asked 65535, capped by net.core.somaxconn),");
    }
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.backlog(1))) {
      assertThat(server.server().listeningLines().get(0)).contains("(framing auto, backlog 1, time format");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aSilentConnectionIsClosedAfterTheIdleTimeout(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b.idleTimeout(Duration.ofMillis(300)))) {
      long start = System.nanoTime(); // the server's time-out runs from its accept, after this
      try (Socket s = server.connect()) {
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(waitedMillis).isBetween(250L, 5_000L);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void closingTheServerAnswersWhatWasReadClosesClientsAndStopsAccepting(Transport transport) throws Exception {
    TestServer server = TestServer.start(transport, b -> b.framing(Framing.AUTO));
    int port = server.port();
    try (Socket s = server.connect()) {
      s.getOutputStream().write("done\n".getBytes(ISO_8859_1));
      assertThat(payload(readLine(s.getInputStream()))).isEqualTo("done\n");
      server.close();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void rawFramingAnswersEachReadOfAtMostTheBufferSize(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b.framing(Framing.RAW).bufferSize(16));
        Socket s = server.connect()) {
      String sent = "0123456789abcdef".repeat(4) + "tail";
      s.getOutputStream().write(sent.getBytes(ISO_8859_1));
      s.shutdownOutput();
      s.setSoTimeout(5_000);
      String all = Replies.readToEnd(s);
      String[] replies = all.split("(?=\\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) )");
      StringBuilder joined = new StringBuilder();
      for (String reply : replies) {
        String p = payload(reply);
        assertThat(p.length()).isBetween(1, 16);
        joined.append(p);
      }
      assertThat(joined.toString()).isEqualTo(sent);
      assertThat(replies.length).isGreaterThanOrEqualTo(5);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close after the client's end of input", e);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void eachConnectionReadsOneBufferPerBatchInBuffersSizedAsItsFramingAsks(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b.framing(Framing.LINE)); Socket s = server.connect()) {
      s.getOutputStream().write("hi\n".getBytes(ISO_8859_1));
      assertThat(payload(readLine(s.getInputStream()))).isEqualTo("hi\n");
      RecvByteBufAllocator allocator = onlyConnection(server).config().getRecvByteBufAllocator();
      assertThat(allocator).isInstanceOf(AdaptiveRecvByteBufAllocator.class);
      assertThat(((MaxMessagesRecvByteBufAllocator) allocator).maxMessagesPerRead()).isEqualTo(1);
    }
    try (TestServer server = TestServer.start(transport, b -> b.framing(Framing.RAW).bufferSize(16));
        Socket s = server.connect()) {
      s.getOutputStream().write("hi".getBytes(ISO_8859_1));
      assertThat(payload(new String(Replies.readExactly(s.getInputStream(), CTIME_PREFIX_LENGTH + 2), ISO_8859_1)))
          .isEqualTo("hi");
      RecvByteBufAllocator allocator = onlyConnection(server).config().getRecvByteBufAllocator();
      assertThat(allocator).isInstanceOf(FixedRecvByteBufAllocator.class);
      assertThat(((MaxMessagesRecvByteBufAllocator) allocator).maxMessagesPerRead()).isEqualTo(1);
      assertThat(allocator.newHandle().guess()).isEqualTo(16);
    }
  }

  private static Channel onlyConnection(TestServer server) {
    List<Channel> connections = server.server().channels().stream().filter(c -> c.parent() != null).toList();
    assertThat(connections).hasSize(1);
    return connections.get(0);
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aSecondServerOnTheSamePortFailsWithAddressInUse(Transport transport) throws Exception {
    try (TestServer first = TestServer.start(transport)) {
      assertThatThrownBy(() -> TestServer.start(transport, b -> b.port(first.port())))
          .isInstanceOfSatisfying(BindFailedException.class,
              e -> assertThat(e.reason()).isEqualTo(BindFailedException.Reason.ADDRESS_IN_USE))
          .hasMessageContaining("address already in use");
    }
  }
}
