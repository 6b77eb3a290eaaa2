package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import io.tsecho.config.UdpLimits;
import io.tsecho.internal.client.ClientException;
import io.tsecho.internal.client.ClientFailure;
import io.tsecho.internal.client.ConnectOptions;
import io.tsecho.internal.client.bench.LoadGenerator.Interval;
import io.tsecho.testing.Loopback;
import io.tsecho.testing.ReplyServer;
import io.tsecho.testing.ReplyServer.Fault;
import io.tsecho.testing.TestServer;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The load generator whole, over loopback to an in-process server: it opens its own sockets, so
 * there is no channel to hand it. It runs with the unit tests all the same, because no run here
 * depends on timing: each is of N requests and ends when its last reply is in, in milliseconds.
 * The clock stands still (but for the fixed rate, whose schedule needs it to move), so every
 * latency is the 1 ns floor and each figure is exact.
 */
class LoadGeneratorTest {
  private static final long NOW = 3_000_000_000L; // any origin will do
  private static final int STAMP = "[Tue Jan  9 21:14:00 2018] ".length();

  /** A run of {@code requests} on two event loops, 64-byte requests, replies waited for a minute at most. */
  private static BenchOptions options(int port, int connections, int depth, long requests, Service service,
      boolean udp, double rate) {
    return new BenchOptions("127.0.0.1", port, connections, depth, 64, Duration.ofSeconds(1), requests,
        Duration.ZERO, udp, rate, 2, Duration.ofMinutes(1), Duration.ofSeconds(10), service, Transport.NIO);
  }

  private static BenchOptions stamp(int port, int connections, int depth, long requests) {
    return options(port, connections, depth, requests, Service.STAMP, false, 0);
  }

  private final List<Interval> intervals = new ArrayList<>();

  /** Keeps copies: the generator reuses an interval's histograms for the next second. */
  private void keep(Interval i) {
    intervals.add(new Interval(i.elapsedSeconds(), i.measuring(), i.latencyNanos().copy(), i.warmupNanos().copy(),
        i.sendLagNanos().copy(), i.errors()));
  }

  private BenchReport run(BenchOptions options) throws Exception {
    return new LoadGenerator(options, ConnectOptions.PLAIN, () -> NOW).run(this::keep);
  }

  @Test
  void autoTakesIoUringForTcpWhereItLoadsAndKeepsItsUsualChoiceForUdp() {
    assertThat(LoadGenerator.choose(Transport.AUTO, false, () -> true)).isEqualTo(Transport.IO_URING);
    assertThat(LoadGenerator.choose(Transport.AUTO, false, () -> false)).isEqualTo(Transport.AUTO);
    assertThat(LoadGenerator.choose(Transport.AUTO, true, () -> true)).isEqualTo(Transport.AUTO);
    for (Transport asked : List.of(Transport.EPOLL, Transport.NIO, Transport.IO_URING)) {
      assertThat(LoadGenerator.choose(asked, false, () -> true)).as("%s, TCP", asked).isEqualTo(asked);
      assertThat(LoadGenerator.choose(asked, true, () -> false)).as("%s, UDP", asked).isEqualTo(asked);
    }
  }

  @Test
  void ioUringIsProbedOnlyForAutoOverTcp() {
    BooleanSupplier notToBeProbed = () -> {
      throw new AssertionError("io_uring probed");
    };
    assertThat(LoadGenerator.choose(Transport.AUTO, true, notToBeProbed)).isEqualTo(Transport.AUTO);
    for (Transport asked : List.of(Transport.EPOLL, Transport.NIO, Transport.IO_URING)) {
      assertThat(LoadGenerator.choose(asked, false, notToBeProbed)).as("%s", asked).isEqualTo(asked);
    }
  }

  @Test
  void aRunOfNRequestsSharesThemOutAndCountsEveryByte() throws Exception {
    try (ReplyServer server = ReplyServer.start(0, Fault.NONE, 1)) {
      LoadGenerator generator = new LoadGenerator(stamp(server.port(), 3, 2, 7), ConnectOptions.PLAIN, () -> NOW);
      long before = System.currentTimeMillis();
      BenchReport r = generator.run(this::keep);
      long after = System.currentTimeMillis();

      assertThat(r.target()).isEqualTo("127.0.0.1:" + server.port());
      assertThat(List.of(r.protocol(), r.transport(), r.service())).containsExactly("tcp", "nio", "stamp");
      assertThat(List.of(r.connections(), r.depth(), r.size())).containsExactly(3, 2, 64);
      assertThat(r.requests()).isEqualTo(7);
      assertThat(r.bytesSent()).isEqualTo(7 * 64);
      assertThat(r.bytesReceived()).isEqualTo(7 * (STAMP + 64));
      assertThat(r.errors()).isZero();
      assertThat(r.connectionsFailed()).isZero();
      assertThat(r.connectionsLost()).as("closing at the end is no loss").isZero();
      assertThat(r.failed()).isFalse();
      assertThat(r.stopped()).isFalse();
      assertThat(r.measured()).as("the clock stood still: the 1 ns floor").isEqualTo(Duration.ofNanos(1));
      assertThat(r.latency().count()).isEqualTo(7);
      assertThat(r.latency().maxMicros()).isEqualTo(0.001);
      assertThat(r.sendLag()).as("a closed loop").isNull();
      assertThat(r.instances()).isEmpty();
      assertThat(generator.latencyHistogram().getTotalCount()).isEqualTo(7);

      assertThat(intervals).as("one report, at the end: the clock never reached the first second").hasSize(1);
      Interval last = intervals.get(0);
      assertThat(last.elapsedSeconds()).isZero();
      assertThat(last.measuring()).isTrue();
      assertThat(last.latencyNanos().getTotalCount()).isEqualTo(7);
      assertThat(last.warmupNanos().getTotalCount()).isZero();
      assertThat(last.sendLagNanos().getTotalCount()).isZero();
      assertThat(last.errors()).isZero();
      for (Histogram h : List.of(last.latencyNanos(), last.warmupNanos(), last.sendLagNanos())) {
        assertThat(h.getStartTimeStamp()).as("wall-clock ms, for the HdrHistogram log").isBetween(before, after);
        assertThat(h.getEndTimeStamp()).isBetween(h.getStartTimeStamp(), after);
      }
    }
  }

  @Test
  void aRunWithoutOneRightReplyStillReports() throws Exception {
    try (ReplyServer server = ReplyServer.start(0, Fault.CORRUPT, 1)) {
      BenchReport r = run(stamp(server.port(), 2, 1, 4));
      assertThat(List.of(r.requests(), r.wrong())).containsExactly(0L, 4L);
      assertThat(r.latency().count()).isZero();
      assertThat(r.failed()).isTrue();
    }
  }

  @Test
  void eachConnectionSendsItsShareWhateverTheLoopItIsOn() throws Exception {
    try (ReplyServer server = ReplyServer.start(0, Fault.NONE, 1)) {
      for (int requests : new int[] {5, 6, 8}) {
        BenchReport r = run(stamp(server.port(), 4, 1, requests));
        assertThat(r.requests()).as("%d requests over 4 connections", requests).isEqualTo(requests);
        assertThat(r.bytesSent()).isEqualTo(requests * 64L);
      }
    }
  }

  @Test
  void aCorruptedReplyIsWrongAndFailsTheRun() throws Exception {
    try (ReplyServer server = ReplyServer.start(0, Fault.CORRUPT, 3)) {
      BenchReport r = run(stamp(server.port(), 1, 1, 5));
      assertThat(List.of(r.requests(), r.wrong(), r.missing(), r.extra(), r.late()))
          .containsExactly(4L, 1L, 0L, 0L, 0L);
      assertThat(r.failed()).isTrue();
      assertThat(intervals.get(intervals.size() - 1).errors()).isEqualTo(1);
    }
  }

  @Test
  void aReplySentTwiceIsExtra() throws Exception {
    try (ReplyServer server = ReplyServer.start(0, Fault.TWICE, 2)) {
      BenchReport r = run(stamp(server.port(), 1, 1, 5)); // replies 2 and 4 come twice, each before the next
      assertThat(List.of(r.requests(), r.wrong(), r.missing(), r.extra(), r.late()))
          .containsExactly(5L, 0L, 0L, 2L, 0L);
    }
  }

  @Test
  void whoamiCountsTheRepliesAndConnectionsOfEachInstance() throws Exception {
    try (TestServer server = TestServer.start(Transport.NIO, b -> b.service(Service.WHOAMI).instance("pod-a"))) {
      BenchReport r = run(options(server.port(), 2, 1, 6, Service.WHOAMI, false, 0));
      assertThat(r.requests()).isEqualTo(6);
      assertThat(r.errors()).isZero();
      assertThat(r.instances()).containsOnlyKeys("pod-a");
      assertThat(r.instances().get("pod-a")).containsExactly(6, 2);
    }
  }

  @Test
  void anEchoRunChecksUnstampedReplies() throws Exception {
    try (TestServer server = TestServer.start(Transport.NIO, b -> b.service(Service.ECHO))) {
      BenchReport r = run(options(server.port(), 1, 2, 4, Service.ECHO, false, 0));
      assertThat(r.service()).isEqualTo("echo");
      assertThat(r.requests()).isEqualTo(4);
      assertThat(r.bytesReceived()).isEqualTo(4 * 64);
      assertThat(r.errors()).isZero();
    }
  }

  @Test
  void overUdpEachSocketSendsItsShareAsDatagrams() throws Exception {
    try (TestServer server = TestServer.start(Transport.NIO, b -> b.tcp(false).udp(true)
        .udpLimits(new UdpLimits(0, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM)))) {
      BenchReport r = run(options(server.port(), 2, 1, 6, Service.STAMP, true, 0));
      assertThat(r.protocol()).isEqualTo("udp");
      assertThat(r.requests()).isEqualTo(6);
      assertThat(r.bytesSent()).isEqualTo(6 * 64);
      assertThat(r.errors()).isZero();
      assertThat(r.connectionsFailed()).isZero();
    }
  }

  @Test
  void atAFixedRateTheSendLagOfEveryMeasuredRequestIsReported() throws Exception {
    try (ReplyServer server = ReplyServer.start(0, Fault.NONE, 1)) {
      // The schedule needs a clock that moves: System.nanoTime(), read only for figures this test does not check.
      BenchOptions options = options(server.port(), 3, 1, 9, Service.STAMP, false, 10_000);
      long before = System.nanoTime();
      BenchReport r = new LoadGenerator(options, ConnectOptions.PLAIN, System::nanoTime).run(this::keep);
      double seconds = (System.nanoTime() - before) / 1e9;
      assertThat(r.requests()).isEqualTo(9);
      assertThat(r.errors()).isZero();
      assertThat(r.sendLag()).isNotNull();
      assertThat(r.sendLag().count()).isEqualTo(9);
      assertThat(intervals.stream().mapToLong(i -> i.sendLagNanos().getTotalCount()).sum()).isEqualTo(9);
      assertThat(intervals.get(intervals.size() - 1).elapsedSeconds()).as("since the run began, in seconds")
          .isPositive().isLessThanOrEqualTo(seconds);
    }
  }

  @Test
  void aPortWithNothingListeningIsRefused() throws Exception {
    try (Socket refusing = Loopback.refusingPort()) {
      int port = refusing.getLocalPort();
      BenchOptions options = stamp(port, 2, 1, 5);
      assertThatThrownBy(() -> run(options)).isInstanceOfSatisfying(ClientException.class,
          e -> assertThat(e.failure()).isEqualTo(ClientFailure.REFUSED))
          .hasMessage("cannot connect to 127.0.0.1:" + port + ": connection refused");
    }
  }

  @Test
  void aStopBeforeTheRunLeavesItWithoutAConnection() throws Exception {
    LoadGenerator generator = new LoadGenerator(stamp(21566, 2, 1, 5), ConnectOptions.PLAIN, () -> NOW);
    generator.stop();
    assertThatThrownBy(() -> generator.run(this::keep)).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.failure()).isEqualTo(ClientFailure.CONNECTION_LOST))
        .hasMessage("no connection to 127.0.0.1:21566");
    assertThat(intervals).isEmpty();
  }

  @Test
  void connectingPastTheStartTimeFailsTheRun() throws Exception {
    try (ReplyServer server = ReplyServer.start(0, Fault.NONE, 1)) {
      Instant past = Instant.parse("2000-01-01T00:00:00Z");
      LoadGenerator generator = new LoadGenerator(stamp(server.port(), 1, 1, 5), ConnectOptions.PLAIN, () -> NOW);
      assertThat(generator.startAt(past)).isSameAs(generator);
      assertThatThrownBy(() -> generator.run(this::keep)).isInstanceOfSatisfying(ClientException.class,
          e -> assertThat(e.failure()).isEqualTo(ClientFailure.TIMEOUT))
          .hasMessageStartingWith("connecting took until ")
          .hasMessageEndingWith(", past --start-at 2000-01-01T00:00:00Z: give the shards more time to connect");
    }
  }
}
