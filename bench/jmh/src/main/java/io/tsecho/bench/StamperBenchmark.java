package io.tsecho.bench;

import io.tsecho.protocol.Stamper;
import io.tsecho.protocol.TimeFormat;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Taking the stamp: a clock read and, while the clock has not moved past the format's resolution,
 * the cached bytes. Sub-millisecond formats read an Instant and reformat when the tick changes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StamperBenchmark {
  @Param({"ctime", "epoch-ms", "rfc3339", "epoch-ns"})
  public String timeFormat;

  private Stamper stamper;

  @Setup
  public void setUp() {
    stamper = Stamper.replyPrefix(TimeFormat.parse(timeFormat, ZoneOffset.UTC), Clock.systemUTC());
  }

  @Benchmark
  public byte[] current() {
    return stamper.current();
  }
}
