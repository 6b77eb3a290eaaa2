package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a load run accepts, at each edge of each range, and the one line that refuses the rest. */
class BenchOptionsTest {
  /** A valid run, changed one setting at a time. */
  private static final class Run {
    int connections = 1;
    int depth = 1;
    int size = 64;
    Duration duration = Duration.ofSeconds(1);
    long requests;
    Duration warmup = Duration.ZERO;
    boolean udp;
    double rate;
    int threads;
    Service service = Service.STAMP;

    BenchOptions options() {
      return new BenchOptions("127.0.0.1", 21566, connections, depth, size, duration, requests, warmup, udp, rate,
          threads, Duration.ofSeconds(5), Duration.ofSeconds(5), service, Transport.NIO);
    }
  }

  @Test
  void eachCountIsAcceptedAtBothEndsOfItsRange() {
    Run low = new Run();
    low.size = Payloads.MIN_SIZE;
    assertThat(low.options()).extracting(BenchOptions::connections, BenchOptions::depth, BenchOptions::size,
        BenchOptions::threads).containsExactly(1, 1, 18, 0);

    Run high = new Run();
    high.connections = 100_000;
    high.depth = 100_000;
    high.size = 65_000;
    high.threads = 1024;
    assertThat(high.options()).extracting(BenchOptions::connections, BenchOptions::depth, BenchOptions::size,
        BenchOptions::threads).containsExactly(100_000, 100_000, 65_000, 1024);
  }

  @Test
  void eachCountOutsideItsRangeIsRefusedNamingItAndTheRange() {
    Run r = new Run();
    r.connections = 0;
    assertThatThrownBy(r::options).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connections must be between 1 and 100000, got 0");
    r = new Run();
    r.connections = 100_001;
    assertThatThrownBy(r::options).hasMessage("connections must be between 1 and 100000, got 100001");
    r = new Run();
    r.depth = 0;
    assertThatThrownBy(r::options).hasMessage("depth must be between 1 and 100000, got 0");
    r = new Run();
    r.depth = 100_001;
    assertThatThrownBy(r::options).hasMessage("depth must be between 1 and 100000, got 100001");
    r = new Run();
    r.size = 17;
    assertThatThrownBy(r::options).hasMessage("size must be between 18 and 65000, got 17");
    r = new Run();
    r.size = 65_001;
    assertThatThrownBy(r::options).hasMessage("size must be between 18 and 65000, got 65001");
    r = new Run();
    r.threads = -1;
    assertThatThrownBy(r::options).hasMessage("threads must be between 0 and 1024, got -1");
    r = new Run();
    r.threads = 1025;
    assertThatThrownBy(r::options).hasMessage("threads must be between 0 and 1024, got 1025");
  }

  @Test
  void aRunOfNRequestsNeedsNoDurationButATimedRunDoes() {
    Run counted = new Run();
    counted.requests = 1;
    counted.duration = Duration.ZERO;
    assertThat(counted.options().totalRequests()).isEqualTo(1);

    Run timed = new Run();
    timed.duration = Duration.ZERO;
    assertThatThrownBy(timed::options).hasMessage("duration must be positive, got PT0S");
    timed.duration = Duration.ofSeconds(-1);
    assertThatThrownBy(timed::options).hasMessage("duration must be positive, got PT-1S");

    Run negative = new Run();
    negative.requests = -1;
    assertThatThrownBy(negative::options).hasMessage("total requests must be 0 (use the duration) or more, got -1");
  }

  @Test
  void theWarmUpMayBeZeroButNotNegative() {
    Run r = new Run();
    assertThat(r.options().warmup()).isZero();
    r.warmup = Duration.ofNanos(-1);
    assertThatThrownBy(r::options).hasMessage("warm-up must be 0 or more, got PT-0.000000001S");
  }

  @Test
  void theRateIsZeroForAClosedLoopOrPositive() {
    Run r = new Run();
    r.rate = 0.5;
    assertThat(r.options().rate()).isEqualTo(0.5);
    r.rate = -0.5;
    assertThatThrownBy(r::options).hasMessage("rate must be 0 (closed loop) or more, got -0.5");
    r.rate = Double.NaN;
    assertThatThrownBy(r::options).hasMessage("rate must be 0 (closed loop) or more, got NaN");
  }

  @ParameterizedTest
  @EnumSource(value = Service.class, names = {"STAMP", "ECHO", "WHOAMI"})
  void benchSpeaksTheLineServices(Service service) {
    Run r = new Run();
    r.service = service;
    assertThat(r.options().service()).isEqualTo(service);
  }

  @ParameterizedTest
  @EnumSource(value = Service.class, names = {"DAYTIME", "TIME"})
  void benchRefusesTheServicesThatAnswerNoRequest(Service service) {
    Run r = new Run();
    r.service = service;
    assertThatThrownBy(r::options)
        .hasMessage("bench speaks the stamp, echo or whoami service, not " + service.cliName());
  }

  @Test
  void overUdpTheLargestRequestStillLeavesRoomForTheStampInADatagram() {
    Run r = new Run();
    r.udp = true;
    r.size = 65_000;
    assertThat(r.options().size()).isEqualTo(65_000);
  }

  @Test
  void overUdpALargerRequestIsRefusedByTheSizesOwnRange() {
    Run r = new Run();
    r.udp = true;
    r.size = 65_444; // the first size whose reply could exceed a datagram
    assertThatThrownBy(r::options).hasMessage("size must be between 18 and 65000, got 65444");
    r.size = 65_001;
    assertThatThrownBy(r::options).hasMessage("size must be between 18 and 65000, got 65001");
  }
}
