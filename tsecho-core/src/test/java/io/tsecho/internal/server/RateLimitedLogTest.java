package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
  @Test
  void logsAtMostOncePerIntervalWithTheCountSinceTheLastLine() {
    Logger logger = (Logger) LoggerFactory.getLogger("test.rate-limited");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    AtomicLong now = new AtomicLong(0);
    RateLimitedLog log = new RateLimitedLog(logger, "refusals", 10, TimeUnit.SECONDS, now::get);

    for (int i = 0; i < 1000; i++) {
      log.record("x" + i);
    }
    assertThat(lines.list).hasSize(1);
    assertThat(lines.list.get(0).getFormattedMessage()).isEqualTo("1 refusals in the last 10 s (latest: x0)");
    assertThat(log.unreported()).isEqualTo(999);

    now.addAndGet(TimeUnit.SECONDS.toNanos(9));
    log.record("late");
    assertThat(lines.list).hasSize(1);
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    log.record("last");
    assertThat(lines.list).hasSize(2);
    assertThat(lines.list.get(1).getFormattedMessage()).isEqualTo("1001 refusals in the last 10 s (latest: last)");
    assertThat(log.unreported()).isZero();
  }
}
