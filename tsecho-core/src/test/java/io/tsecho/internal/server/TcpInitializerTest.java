package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tsecho.config.Listener;
import io.tsecho.config.ServerConfig;
import io.tsecho.testing.MutableClock;
import io.tsecho.testing.Replies;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The pipeline each accepted connection gets from its listener, on in-memory connections. */
class TcpInitializerTest {
  private static final String P = "[Tue Jan  9 21:14:00 2018] ";

  private final MutableClock clock = new MutableClock(Instant.parse("2018-01-09T21:14:00Z"));
  private final List<String> events = new ArrayList<>();
  private final ListenerEvents listenerEvents = new ListenerEvents() {
    @Override
    public void accepted(EventLoop loop) {
      events.add("accepted");
    }

    @Override
    public void refused(EventLoop loop, Refusal refusal) {
      events.add("refused " + refusal);
    }
  };
  private final Logger serverLog = (Logger) LoggerFactory.getLogger(TsechoServer.class);
  private final Logger initializerLog = (Logger) LoggerFactory.getLogger(TcpInitializer.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private ServerContext server;

  @BeforeEach
  void captureLog() {
    lines.start();
    for (Logger log : List.of(serverLog, initializerLog)) {
      log.addAppender(lines);
      log.setAdditive(false);
    }
  }

  @AfterEach
  void releaseEverything() {
    for (Logger log : List.of(serverLog, initializerLog)) {
      log.detachAppender(lines);
      log.setAdditive(true);
    }
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private TcpInitializer initializer(String listener, UnaryOperator<ServerConfig.Builder> settings,
      ConnectionStage... stages) {
    ServerConfig config = settings.apply(ServerConfig.builder().zone(ZoneOffset.UTC).instance("test")).build();
    server = new ServerContext(config, new Clocks(config, clock), ConnectionLimits.of(config),
        new OpenConnections(config.maxConnections()), TcpInitializer.refusalLog(config), AccessStage.denialLog(),
        new SourceCounts(0), new UdpDrops(), new Faults(List.of(), 1), ServerEvents.NONE, null, null);
    return new TcpInitializer(Listener.parse(listener), server, listenerEvents, List.of(stages));
  }

  private EmbeddedChannel connect(TcpInitializer initializer) {
    EmbeddedChannel c = new FrozenTimeChannel(initializer);
    channels.add(c);
    return c;
  }

  @Test
  void aStampListenerServesWithTheServiceAloneAndTheInitializerLeaves() {
    EmbeddedChannel c = connect(initializer("stamp/tcp/127.0.0.1:0", b -> b));
    assertThat(c.pipeline().names()).startsWith(PipelineNames.SERVICE).hasSize(2); // and the embedded tail
    assertThat(c.pipeline().get(PipelineNames.SERVICE)).isInstanceOf(StampHandler.class);
    c.writeInbound(Unpooled.copiedBuffer("hi\n", ISO_8859_1));
    assertThat(Replies.written(c)).isEqualTo(P + "hi\n");
    assertThat(events).containsExactly("accepted");
    assertThat(server.connections().count()).isEqualTo(1);
  }

  @Test
  void whoamiSaysWhoTheClientIsAfterTheStamp() {
    EmbeddedChannel c = connect(initializer("whoami/tcp/127.0.0.1:0", b -> b));
    c.writeInbound(Unpooled.copiedBuffer("hi\n", ISO_8859_1));
    assertThat(Replies.written(c)).startsWith(P + "instance=test host=").endsWith(" proto=tcp tls=- msg=hi\n");
  }

  @Test
  void echoDaytimeAndTimeGetTheirOwnService() {
    EmbeddedChannel echo = connect(initializer("echo/tcp/127.0.0.1:0", b -> b));
    echo.writeInbound(Unpooled.copiedBuffer("same\n", ISO_8859_1));
    assertThat(Replies.written(echo)).isEqualTo("same\n");

    EmbeddedChannel daytime = connect(initializer("daytime/tcp/127.0.0.1:0", b -> b));
    assertThat(Replies.written(daytime)).isEqualTo(new String(server.clocks().daytime().current(), ISO_8859_1))
        .contains("2018").endsWith("\r\n");
    assertThat(daytime.isOpen()).isFalse();

    EmbeddedChannel time = connect(initializer("time/tcp/127.0.0.1:0", b -> b));
    ByteBuf seconds = time.readOutbound();
    long since1900 = Instant.parse("2018-01-09T21:14:00Z").getEpochSecond() + 2_208_988_800L;
    assertThat(ByteBufUtil.getBytes(seconds)).isEqualTo(ByteBuffer.allocate(4).putInt((int) since1900).array());
    seconds.release();
  }

  @Test
  void overTheServersMaximumAConnectionGetsOneLineAndTheRefusalIsCountedAndLogged() {
    TcpInitializer initializer = initializer("stamp/tcp/127.0.0.1:0", b -> b.maxConnections(1));
    EmbeddedChannel served = connect(initializer);
    EmbeddedChannel refused = connect(initializer);
    assertThat(Replies.written(refused)).isEqualTo("tsecho error: too many connections (limit 1); closing\n");
    assertThat(refused.isOpen()).isFalse();
    assertThat(refused.pipeline().get(PipelineNames.SERVICE)).isNull();
    assertThat(events).containsExactly("accepted", "refused TOO_MANY_CONNECTIONS");
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("1 connections refused over the limit of 1 in the last 10 s (latest: from embedded)");
    served.close();
    EmbeddedChannel next = connect(initializer);
    assertThat(next.pipeline().get(PipelineNames.SERVICE)).as("the close made room").isInstanceOf(StampHandler.class);
  }

  @Test
  void aRefusedConnectionGetsItsLineOnceAndTheServerReadsToTheClientsEnd() {
    TcpInitializer initializer = initializer("stamp/tcp/127.0.0.1:0", b -> b.maxConnections(1));
    connect(initializer);
    // As an accepted socket: active before the pipeline is built, and channelActive follows.
    HalfClosingChannel refused = new HalfClosingChannel(initializer);
    channels.add(refused);
    assertThat(Replies.written(refused)).isEqualTo("tsecho error: too many connections (limit 1); closing\n");
    assertThat(refused.isOutputShutdown()).isTrue();
    assertThat(refused.isOpen()).as("a close with unread input would reset the connection").isTrue();
    refused.writeInbound(Unpooled.copiedBuffer("request sent before the line arrived\n", ISO_8859_1));
    refused.clientEndsInput();
    assertThat(refused.isOpen()).isFalse();
  }

  @Test
  void eachStageIsAddedInOrderUnderItsNameAndTheServiceWaitsForTheGates() {
    ConnectionStage gate = stage("gate", true, new ChannelInboundHandlerAdapter());
    ConnectionStage absent = stage("absent", false, null);
    ConnectionStage plain = stage("plain", false, new ChannelInboundHandlerAdapter());
    EmbeddedChannel c = connect(initializer("stamp/tcp/127.0.0.1:0", b -> b, gate, absent, plain));
    assertThat(c.pipeline().names()).startsWith("gate", "plain", PipelineNames.SERVICE_STARTER);
    assertThat(c.pipeline().get(PipelineNames.SERVICE)).isNull();
    c.pipeline().fireUserEventTriggered(GatePassed.INSTANCE);
    assertThat(c.pipeline().names()).startsWith("gate", "plain", PipelineNames.SERVICE);
    assertThat(c.pipeline().get(PipelineNames.SERVICE)).isInstanceOf(StampHandler.class);
  }

  @Test
  void aConnectionThatCannotBeSetUpIsClosedWithAWarning() {
    ConnectionStage broken = new ConnectionStage() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public ChannelHandler newHandler(Channel channel) {
        throw new IllegalStateException("no handler today");
      }

      @Override
      public boolean isGate() {
        return false;
      }
    };
    EmbeddedChannel c = connect(initializer("stamp/tcp/127.0.0.1:0", b -> b, broken));
    assertThat(c.isOpen()).isFalse();
    assertThat(c.pipeline().get(TcpInitializer.class)).isNull();
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "could not set up connection embedded, closing it: java.lang.IllegalStateException: no handler today");
  }

  private static ConnectionStage stage(String name, boolean gate, ChannelHandler handler) {
    return new ConnectionStage() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public ChannelHandler newHandler(Channel channel) {
        return handler;
      }

      @Override
      public boolean isGate() {
        return gate;
      }
    };
  }
}
