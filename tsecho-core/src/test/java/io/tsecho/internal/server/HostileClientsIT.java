package io.tsecho.internal.server;

import static io.tsecho.testing.Replies.CTIME_PREFIX;
import static io.tsecho.testing.Replies.CTIME_PREFIX_LENGTH;
import static io.tsecho.testing.Replies.payload;
import static io.tsecho.testing.Replies.readLine;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.ServerConfig;
import io.tsecho.config.Transport;
import io.tsecho.protocol.Framing;
import io.tsecho.testing.Await;
import io.tsecho.testing.Replies;
import io.tsecho.testing.TestServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Clients that try to make the server hold memory or sockets: floods they do not read, lines they
 * never finish, replies they leave unread. Every byte the server holds must stay within its bounds,
 * read from the server itself, and every other client must go on being served.
 */
class HostileClientsIT {
  /**
   * Replies the server may queue for one connection: its high watermark, one gathered chunk, and
   * Netty's bookkeeping of the buffers queued.
   */
  private static final long QUEUED_BOUND = (256 + 16 + 4) * 1024;

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stopClients() {
    pool.shutdownNow();
  }

  private static Socket connect(TestServer server, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(receiveBuffer);
    s.setSoTimeout(20_000);
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
    return s;
  }

  /** Waits, at most 20 s, until a counter stops moving for a while: a blocked writer. */
  private static void awaitStall(AtomicLong counter) throws InterruptedException {
    long previous = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      Thread.sleep(300);
      long now = counter.get();
      if (now == previous) {
        return;
      }
      previous = now;
    }
  }

  /** Waits, at most 20 s, until the bytes held stop changing for a second. */
  private static void awaitSteady(BufferBudget budget) throws InterruptedException {
    long previous = -1;
    long steadySince = System.nanoTime();
    long deadline = steadySince + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      long now = budget.used();
      if (now != previous) {
        previous = now;
        steadySince = System.nanoTime();
      } else if (System.nanoTime() - steadySince > TimeUnit.SECONDS.toNanos(1)) {
        return;
      }
      Thread.sleep(50);
    }
  }

  /** Reads {@code sip} bytes every 250 ms for {@code rounds} rounds, then the rest to the end; returns the bytes read. */
  private static long readSlowlyThenAll(InputStream in, int sip, int rounds) throws IOException, InterruptedException {
    long read = 0;
    byte[] buffer = new byte[sip];
    for (int round = 0; round < rounds; round++) {
      Thread.sleep(250);
      read += in.readNBytes(buffer, 0, sip);
    }
    return read + in.readAllBytes().length;
  }

  private Future<?> writeAll(Socket s, byte[] chunk, int times, AtomicLong written) {
    return pool.submit(() -> {
      OutputStream out = s.getOutputStream();
      for (int i = 0; i < times; i++) {
        out.write(chunk);
        written.addAndGet(chunk.length);
      }
      s.shutdownOutput();
      return null;
    });
  }

  /**
   * Empty lines get 28-byte replies: a batch of them once queued tens of MiB behind the back of the
   * write-buffer watermark. Clients that read a little now and then must not make the server hold
   * more than its bound for any of them.
   */
  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO", "IO_URING"})
  void anEmptyLineFloodFromSlowReadersStaysWithinTheBoundOfEachConnection(Transport transport) throws Exception {
    TestServer.assumeAvailable(transport);
    int clients = 8;
    int lines = 128 * 1024;
    try (TestServer server = TestServer.start(transport, b -> b.sendBufferSize(64 * 1024))) {
      List<Socket> sockets = new ArrayList<>();
      List<AtomicLong> written = new ArrayList<>();
      byte[] chunk = new byte[16 * 1024];
      Arrays.fill(chunk, (byte) '\n');
      for (int c = 0; c < clients; c++) {
        Socket s = connect(server, 64 * 1024);
        sockets.add(s);
        written.add(new AtomicLong());
        writeAll(s, chunk, lines / chunk.length, written.get(c));
      }
      byte[] sip = new byte[4096];
      for (int round = 0; round < 10; round++) { // a little now and then
        Thread.sleep(100);
        for (Socket s : sockets) {
          Replies.readExactly(s.getInputStream(), sip.length);
        }
      }
      for (AtomicLong w : written) {
        awaitStall(w);
      }
      List<Future<byte[]>> rests = new ArrayList<>();
      for (Socket s : sockets) { // all at once: a client left waiting for its turn would meet the write time-out
        rests.add(pool.submit(() -> {
          try (s) {
            return s.getInputStream().readAllBytes();
          }
        }));
      }
      for (Future<byte[]> r : rests) {
        byte[] rest = r.get(60, TimeUnit.SECONDS);
        assertThat(10L * sip.length + rest.length).isEqualTo((long) lines * (CTIME_PREFIX_LENGTH + 1));
        assertThat(new String(rest, rest.length - CTIME_PREFIX_LENGTH - 1, CTIME_PREFIX_LENGTH + 1, ISO_8859_1))
            .matches(CTIME_PREFIX.pattern() + "\n");
      }
      long peak = server.server().connectionStats().peakQueuedPerConnection();
      assertThat(peak).as("the clients did push against the bound").isGreaterThan(TsechoServer.WATER_MARK.high());
      assertThat(peak).isLessThanOrEqualTo(QUEUED_BOUND);
      Await.until("the buffer budget is empty again", () -> server.server().bufferBudget().used() == 0);
    }
  }

  /** The unit test proves the bound inside a batch; this proves reading resumes on real sockets, with every reply read. */
  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO", "IO_URING"})
  void aClientThatStopsReadingIsResumedAndGetsEveryReplyOnceItReads(Transport transport) throws Exception {
    TestServer.assumeAvailable(transport);
    int lines = 100_000;
    byte[] line = ("r".repeat(99) + "\n").getBytes(ISO_8859_1);
    byte[] chunk = new byte[line.length * 100];
    for (int i = 0; i < 100; i++) {
      System.arraycopy(line, 0, chunk, i * line.length, line.length);
    }
    try (TestServer server = TestServer.start(transport, b -> b.sendBufferSize(64 * 1024));
        Socket s = connect(server, 64 * 1024)) {
      AtomicLong written = new AtomicLong();
      Future<?> writer = writeAll(s, chunk, lines / 100, written);
      awaitStall(written);
      assertThat(writer.isDone()).as("the server stopped reading this client").isFalse();
      InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
      for (int i = 0; i < lines; i++) {
        assertThat(payload(readLine(in))).as("reply %d", i).hasSize(100);
      }
      assertThat(in.read()).as("nothing after the last reply").isEqualTo(-1);
      writer.get(10, TimeUnit.SECONDS);
    }
  }

  /** Lines that never end, from many connections: the server's budget holds and the ones over it are closed. */
  @Test
  void anArmyOfUnfinishedLinesMeetsTheServerBudgetAndOnlyTheLastComersAreClosed() throws Exception {
    int clients = 40;
    int lineLength = 60 * 1024;
    long budget = ServerConfig.MIN_MAX_BUFFERED;
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.framing(Framing.LINE).maxBuffered(budget))) {
      List<Socket> sockets = new ArrayList<>();
      byte[] piece = "p".repeat(lineLength).getBytes(ISO_8859_1);
      for (int c = 0; c < clients; c++) {
        Socket s = connect(server, 256 * 1024);
        s.getOutputStream().write(piece);
        sockets.add(s);
      }
      BufferBudget held = server.server().bufferBudget();
      ConnectionStats stats = server.server().connectionStats();
      awaitSteady(held); // every piece is read: held by the server, or refused
      assertThat(held.used()).isBetween(16L * lineLength, budget);
      int answered = 0;
      int refused = 0;
      for (Socket s : sockets) {
        try (s) {
          try {
            s.getOutputStream().write('\n');
          } catch (IOException closedAlready) {
            // a refused client may find its socket reset; its error line is still in its buffer
          }
          String first = readLine(s.getInputStream());
          if (first.startsWith("tsecho error: ")) {
            assertThat(first).isEqualTo("tsecho error: server buffer limit reached; closing\n");
            refused++;
          } else {
            assertThat(payload(first)).isEqualTo("p".repeat(lineLength) + "\n");
            answered++;
          }
        }
      }
      assertThat(answered).as("a 1 MiB budget holds 16 or 17 lines of 60 KiB").isBetween(16, 17);
      assertThat(refused).isEqualTo(clients - answered);
      // a refused client reads its error line before the server has counted its close: wait for every one
      int refusedClients = refused;
      Await.until(refused + " closes for the buffer limit",
          () -> stats.closed(CloseReason.BUFFER_LIMIT) == refusedClients);
      Await.until("the buffer budget is empty again", () -> held.used() == 0);
    }
  }

  @Test
  void aLineNotFinishedWithinTheLineTimeoutGetsAnErrorLineAndTheConnectionCloses() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.framing(Framing.LINE)
        .lineTimeout(Duration.ofSeconds(1)));
        Socket s = connect(server, 64 * 1024)) {
      long start = System.nanoTime();
      s.getOutputStream().write("first\nnever finished".getBytes(ISO_8859_1));
      assertThat(payload(readLine(s.getInputStream()))).isEqualTo("first\n");
      assertThat(Replies.readToEnd(s)).isEqualTo("tsecho error: line not finished within 1s; closing\n");
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
      s.close();
      Await.until("the close for the line time-out is counted",
          () -> server.server().connectionStats().closed(CloseReason.LINE_TIMEOUT) == 1);
    }
  }

  /** In auto framing a client that drips a line byte by byte, never pausing long enough, meets the same deadline. */
  @Test
  void aLineDrippedByteByByteInAutoFramingMeetsTheLineTimeout() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.lineTimeout(Duration.ofSeconds(1))
        .partialDelay(Duration.ofSeconds(10)));
        Socket s = connect(server, 64 * 1024)) {
      Future<?> drip = pool.submit(() -> {
        OutputStream out = s.getOutputStream();
        out.write("hello\n".getBytes(ISO_8859_1));
        for (int i = 0; i < 100; i++) { // 20 s at most
          out.write('x');
          Thread.sleep(200);
        }
        return null;
      });
      assertThat(payload(readLine(s.getInputStream()))).isEqualTo("hello\n");
      assertThat(readLine(s.getInputStream())).isEqualTo("tsecho error: line not finished within 1s; closing\n");
      drip.cancel(true);
    }
  }

  @Test
  void aClientThatLeavesItsRepliesUnreadIsClosedAfterTheWriteTimeoutAndItsBytesAreFreed() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.writeTimeout(Duration.ofSeconds(1))
        .sendBufferSize(64 * 1024));
        Socket s = connect(server, 64 * 1024)) {
      byte[] chunk = ("w".repeat(99) + "\n").repeat(100).getBytes(ISO_8859_1);
      Future<?> writer = writeAll(s, chunk, 10_000, new AtomicLong());
      ConnectionStats stats = server.server().connectionStats();
      Await.until("the close for the write time-out is counted", () -> stats.closed(CloseReason.WRITE_TIMEOUT) == 1);
      Await.until("the buffer budget is empty again", () -> server.server().bufferBudget().used() == 0);
      Await.until("the writer sees the connection go", writer::isDone);
    }
  }

  @Test
  void aClientThatReadsItsRepliesSlowlyIsNotClosed() throws Exception {
    int lines = 40_000; // 5 MB of replies, read at 256 KB/s
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.writeTimeout(Duration.ofSeconds(2))
        .idleTimeout(Duration.ofSeconds(2)).sendBufferSize(64 * 1024));
        Socket s = connect(server, 64 * 1024)) {
      byte[] chunk = ("s".repeat(99) + "\n").repeat(100).getBytes(ISO_8859_1);
      writeAll(s, chunk, lines / 100, new AtomicLong());
      long read = readSlowlyThenAll(s.getInputStream(), 64 * 1024, 20);
      assertThat(read).as("every reply, and no error line").isEqualTo((long) lines * (CTIME_PREFIX_LENGTH + 100));
      assertThat(server.server().connectionStats().closed(CloseReason.WRITE_TIMEOUT)).isZero();
      assertThat(server.server().connectionStats().closed(CloseReason.IDLE_TIMEOUT)).isZero();
    }
  }

  /**
   * The same with the kernel's own buffer sizes, which grow to megabytes on loopback: a client that
   * reads 128 KiB/s must show the server progress well within its write time-out. Without a bound
   * on the replies the kernel keeps unsent, the server waited for a third of its send buffer to
   * drain before it could write again, and closed such a reader.
   */
  @Test
  void aClientThatReadsSlowlyShowsProgressWhateverTheKernelBuffers() throws Exception {
    int lines = 48_000; // 5.9 MB of replies: more than the kernel's buffers hold, so the server stays paused
    // Epoll: the NIO fallback cannot bound the kernel's unsent bytes (README, "What a client can make the server hold").
    try (TestServer server = TestServer.start(Transport.EPOLL, b -> b.writeTimeout(Duration.ofSeconds(2)));
        Socket s = connect(server, 128 * 1024)) {
      byte[] chunk = ("k".repeat(99) + "\n").repeat(100).getBytes(ISO_8859_1);
      writeAll(s, chunk, lines / 100, new AtomicLong());
      long read = readSlowlyThenAll(s.getInputStream(), 32 * 1024, 24); // 6 s, three write time-outs
      assertThat(read).as("every reply, and no error line").isEqualTo((long) lines * (CTIME_PREFIX_LENGTH + 100));
      assertThat(server.server().connectionStats().closed(CloseReason.WRITE_TIMEOUT)).isZero();
    }
  }

  /**
   * A trailing piece after a read batch that ended at its per-batch limit is answered on every
   * transport, whether or not the transport reads again by itself.
   */
  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO", "IO_URING"})
  void aTrailingPieceAfterAFullReadBatchIsAnswered(Transport transport) throws Exception {
    TestServer.assumeAvailable(transport);
    int lines = 20_000;
    byte[] body = ("b".repeat(63) + "\n").repeat(lines).getBytes(ISO_8859_1);
    try (TestServer server = TestServer.start(transport); Socket s = connect(server, 4 << 20)) {
      OutputStream out = s.getOutputStream();
      out.write(body);
      out.write("tail".getBytes(ISO_8859_1));
      InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
      for (int i = 0; i < lines; i++) {
        assertThat(payload(readLine(in))).hasSize(64);
      }
      byte[] tail = Replies.readExactly(in, CTIME_PREFIX_LENGTH + 4);
      assertThat(payload(new String(tail, ISO_8859_1))).isEqualTo("tail");
    }
  }
}
