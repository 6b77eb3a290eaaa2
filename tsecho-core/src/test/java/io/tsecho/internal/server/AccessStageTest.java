package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tsecho.config.AccessRules;
import io.tsecho.config.Cidr;
import io.tsecho.testing.Replies;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Access control on connections straight from their clients, with no PROXY header in front. */
class AccessStageTest {
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 21566);
  private static final InetSocketAddress ALLOWED = new InetSocketAddress("10.1.1.1", 5000);
  private static final InetSocketAddress DENIED = new InetSocketAddress("10.2.2.2", 5000);

  private final Logger log = (Logger) LoggerFactory.getLogger("test.access");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final AtomicLong logClock = new AtomicLong();
  private final RateLimitedLog denials = new RateLimitedLog(log, "connections denied", 10, TimeUnit.SECONDS,
      logClock::get);
  private final List<String> events = new ArrayList<>();
  private final ListenerEvents listenerEvents = new ListenerEvents() {
    @Override
    public void refused(EventLoop loop, Refusal refusal) {
      events.add(refusal.name());
    }
  };
  private final SourceCounts perSource = new SourceCounts(2);
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @BeforeEach
  void captureLog() {
    lines.start();
    log.addAppender(lines);
    log.setAdditive(false);
  }

  @AfterEach
  void releaseEverything() {
    log.detachAppender(lines);
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private AccessStage stage(int maxPerSource) {
    AccessRules rules = new AccessRules(List.of(Cidr.parse("10.1.0.0/16")), List.of(), maxPerSource);
    return new AccessStage(rules, false, perSource, listenerEvents, denials);
  }

  /** A connection from {@code from} with the stage and a service behind it that notes how far the connection got. */
  private HalfClosingChannel connect(AccessStage stage, InetSocketAddress from, Service service) {
    HalfClosingChannel c = new HalfClosingChannel(from, LOCAL);
    c.pipeline().addLast(stage.name(), stage.newHandler(c)).addLast(PipelineNames.SERVICE, service);
    c.pipeline().fireChannelActive(); // as on a socket, the stages are in place before the connection is active
    channels.add(c);
    return c;
  }

  @Test
  void anAllowedClientPassesTheGateAndTheStageLeaves() {
    AccessStage stage = stage(0);
    assertThat(stage.name()).isEqualTo(PipelineNames.ACCESS);
    assertThat(stage.isGate()).isTrue();
    Service service = new Service();
    HalfClosingChannel c = connect(stage, ALLOWED, service);
    assertThat(service.active).isEqualTo(1);
    assertThat(service.gatesPassed).isEqualTo(1);
    assertThat(c.pipeline().get(PipelineNames.ACCESS)).isNull();
    assertThat(events).isEmpty();
    assertThat(lines.list).isEmpty();
  }

  @Test
  void aDeniedClientIsClosedWithoutAWordCountedAndLogged() {
    Service service = new Service();
    HalfClosingChannel c = connect(stage(0), DENIED, service);
    assertThat(c.isOpen()).isFalse();
    assertThat(Replies.written(c)).isEmpty();
    assertThat(service.active).isZero();
    assertThat(service.gatesPassed).isZero();
    assertThat(events).containsExactly("ACCESS_DENIED");
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("1 connections denied in the last 10 s (latest: from 10.2.2.2:5000)");
  }

  @Test
  void aSourceOverItsLimitGetsOneLineAndEachCloseMakesRoom() {
    AccessStage stage = stage(2);
    HalfClosingChannel first = connect(stage, ALLOWED, new Service());
    connect(stage, new InetSocketAddress("10.1.1.1", 5001), new Service());
    Service third = new Service();
    HalfClosingChannel refused = connect(stage, new InetSocketAddress("10.1.1.1", 5002), third);
    assertThat(Replies.written(refused)).isEqualTo("tsecho error: too many connections from your address (limit 2); closing\n");
    assertThat(third.gatesPassed).isZero();
    assertThat(events).containsExactly("TOO_MANY_FROM_SOURCE");
    assertThat(refused.pipeline().get(PipelineNames.REFUSE)).isInstanceOf(RefuseHandler.class);
    refused.clientEndsInput();
    assertThat(perSource.sources()).isEqualTo(1);

    first.close();
    Service fourth = new Service();
    connect(stage, new InetSocketAddress("10.1.1.1", 5003), fourth);
    assertThat(fourth.gatesPassed).as("the first one's close made room").isEqualTo(1);
  }

  @Test
  void withoutALimitNothingIsCountedPerSource() {
    AccessStage stage = stage(0);
    for (int i = 0; i < 5; i++) {
      connect(stage, ALLOWED, new Service());
    }
    assertThat(perSource.sources()).isZero();
  }

  @Test
  void behindAProxyTheCheckWaitsForTheProxysGate() {
    AccessRules rules = new AccessRules(List.of(Cidr.parse("10.1.0.0/16")), List.of(), 0);
    AccessStage stage = new AccessStage(rules, true, perSource, listenerEvents, denials);
    Service service = new Service();
    HalfClosingChannel c = connect(stage, DENIED, service);
    assertThat(c.isOpen()).as("the socket's address is the proxy's, not the client's").isTrue();
    assertThat(service.active).isEqualTo(1);
    assertThat(service.gatesPassed).isZero();
    Peer.learn(c).proxied(ALLOWED, DENIED);
    c.pipeline().fireUserEventTriggered(GatePassed.INSTANCE);
    assertThat(service.gatesPassed).as("the proxy's gate and its own").isEqualTo(2);
    c.pipeline().fireUserEventTriggered("another event");
    assertThat(service.others).containsExactly("another event");
  }

  /** Stands for what is behind the gate. */
  private static final class Service extends ChannelInboundHandlerAdapter {
    int active;
    int gatesPassed;
    final List<Object> others = new ArrayList<>();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      active++;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt == GatePassed.INSTANCE) {
        gatesPassed++;
      } else {
        others.add(evt);
      }
    }
  }
}
