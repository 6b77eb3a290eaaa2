package io.tsecho.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultTest {

  @Test
  void eachKindReadsItsValueAndProbability() {
    Fault latency = Fault.parse("latency:100ms~20ms@0.5");
    assertThat(latency.kind()).isEqualTo(Fault.Kind.LATENCY);
    assertThat(latency.duration()).isEqualTo(Duration.ofMillis(100));
    assertThat(latency.jitter()).isEqualTo(Duration.ofMillis(20));
    assertThat(latency.probability()).isEqualTo(0.5);
    assertThat(Fault.parse("latency:2s").duration()).isEqualTo(Duration.ofSeconds(2));
    assertThat(Fault.parse("bandwidth:64k").amount()).isEqualTo(65_536);
    assertThat(Fault.parse("slice:10").amount()).isEqualTo(10);
    assertThat(Fault.parse("limit:1m").amount()).isEqualTo(1 << 20);
    assertThat(Fault.parse("reset").amount()).isZero();
    assertThat(Fault.parse("reset:3").amount()).isEqualTo(3);
    assertThat(Fault.parse("slow-close:2s").duration()).isEqualTo(Duration.ofSeconds(2));
    assertThat(Fault.parse("DROP@0.25").probability()).isEqualTo(0.25);
    assertThat(Fault.parse("truncate:8").amount()).isEqualTo(8);
    assertThat(Fault.parse("delay:50ms").duration()).isEqualTo(Duration.ofMillis(50));
    assertThat(Fault.parse("stall").probability()).isEqualTo(1.0);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "latency:100ms~20ms@0.5",
    "bandwidth:65536",
    "reset",
    "reset:3@0.1",
    "slow-close:2000ms",
    "drop@0.25",
    "reorder",
  })
  void aFaultReadsBackAsItIsWritten(String spec) {
    assertThat(Fault.parse(spec)).hasToString(spec);
    assertThat(Fault.parse(Fault.parse(spec).toString())).isEqualTo(Fault.parse(spec));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "chaos        | fault 'chaos': 'chaos' is not a fault; use latency, bandwidth, slice, stall, limit, reset, slow-close, refuse, drop, duplicate, delay, reorder, truncate",
    "latency      | fault 'latency': latency needs a duration, e.g. 100ms or 100ms~20ms",
    "latency:fast | fault 'latency:fast': 'fast' is not a duration (e.g. 50ms, 2s)",
    "latency:10ms~20ms | latency: the jitter (20 ms) must not exceed the latency (10 ms)",
    "stall:5      | fault 'stall:5': stall takes no value",
    "drop@1.5     | fault 'drop@1.5': the probability '1.5' must be a number from 0 to 1",
    "drop@-1      | fault 'drop@-1': the probability '-1' must be a number from 0 to 1",
    "slice:0      | fault 'slice:0': the size must be between 1 byte and 1 TiB, got '0'",
    "reset:x      | fault 'reset:x': 'x' is not a count of replies",
    "delay:2h     | fault 'delay:2h': '2h' is not a duration (e.g. 50ms, 2s)",
    ":            | fault ':' must be KIND[:VALUE][@PROBABILITY], e.g. latency:100ms~20ms, reset:3@0.1, drop@0.25",
  })
  void aBadSpecIsOneMessageNamingIt(String spec, String message) {
    assertThatThrownBy(() -> Fault.parse(spec)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void aFaultThatNoListenerCanTakeIsRefusedAtStart() {
    assertThatThrownBy(() -> ServerConfig.builder().faults(new FaultSettings(List.of(Fault.parse("drop")), 1)).build())
        .hasMessage("fault 'drop' is a udp fault, and no listener here is UDP");
    assertThatThrownBy(() -> ServerConfig.builder().udp(true).tcp(false)
        .faults(new FaultSettings(List.of(Fault.parse("stall")), 1)).build())
        .hasMessage("fault 'stall' is a tcp fault, and no listener here is TCP or TLS");
    assertThat(ServerConfig.builder().udp(true).faults(new FaultSettings(List.of(Fault.parse("drop"),
        Fault.parse("stall")), 1)).build().faults().faults()).hasSize(2);
  }
}
