package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tsecho.config.Fault;
import io.tsecho.config.ProxySettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The stages a listener puts in front of its service: names, gates, and what each connection gets. */
class StagesTest {
  private final EmbeddedChannel channel = new EmbeddedChannel();

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  @Test
  void aConnectionThatDrewNoFaultGetsNoFaultHandler() {
    Faults faults = new Faults(List.of(Fault.parse("drop")), 1);
    FaultStage stage = new FaultStage(faults, 0);
    assertThat(stage.name()).isEqualTo(PipelineNames.FAULTS);
    assertThat(stage.isGate()).isFalse();
    assertThat(stage.newHandler(channel)).as("no TCP fault at all").isNull();
    faults.set(List.of(Fault.parse("stall@0")));
    assertThat(stage.newHandler(channel)).as("a TCP fault this connection did not draw").isNull();
    faults.set(List.of(Fault.parse("stall")));
    assertThat(stage.newHandler(channel)).isInstanceOf(TcpFaultHandler.class);
    assertThat(faults.applied(Fault.Kind.STALL)).isEqualTo(1);
  }

  @Test
  void eachConnectionGetsAGateOfItsOwn() {
    ProxyStage stage = new ProxyStage(new ProxySettings(ProxySettings.Mode.REQUIRED, ProxySettings.LOOPBACK,
        Duration.ofSeconds(3)), ListenerEvents.NONE, ProxyStage.refusalLog());
    assertThat(stage.name()).isEqualTo(PipelineNames.PROXY);
    assertThat(stage.isGate()).isTrue();
    assertThat(stage.newHandler(channel)).isInstanceOf(ProxyGate.class).isNotSameAs(stage.newHandler(channel));
  }

  @Test
  void theRefusalLogGivesTheTimeOutAsItWasWritten() {
    assertThat(refusalAfter(Duration.ofSeconds(2))).endsWith("no PROXY header within 2 s)");
    assertThat(refusalAfter(Duration.ofMillis(1500))).endsWith("no PROXY header within 1500 ms)");
  }

  /** The log line of a connection that sent no header within {@code timeout}. */
  private static String refusalAfter(Duration timeout) {
    Logger log = (Logger) LoggerFactory.getLogger("io.tsecho.proxy");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    log.setAdditive(false);
    HalfClosingChannel c = new HalfClosingChannel(new InetSocketAddress("127.0.0.1", 40000), null);
    try {
      ProxyStage stage = new ProxyStage(new ProxySettings(ProxySettings.Mode.REQUIRED, ProxySettings.LOOPBACK,
          timeout), ListenerEvents.NONE, ProxyStage.refusalLog());
      c.pipeline().addLast(stage.name(), stage.newHandler(c));
      c.pipeline().fireChannelActive();
      c.advanceTimeBy(timeout.toMillis(), TimeUnit.MILLISECONDS);
      c.runScheduledPendingTasks();
      assertThat(c.isOpen()).isFalse();
      assertThat(lines.list).hasSize(1);
      return lines.list.get(0).getFormattedMessage();
    } finally {
      c.finishAndReleaseAll();
      log.detachAppender(lines);
      log.setAdditive(true);
    }
  }
}
