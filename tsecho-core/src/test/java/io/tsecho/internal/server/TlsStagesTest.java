package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.tsecho.config.TlsSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The TLS engine and its gate on EmbeddedChannels: a client engine on one, the server's stages on the other. */
class TlsStagesTest {
  private final Logger log = (Logger) LoggerFactory.getLogger("io.tsecho.connections");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Events events = new Events();
  private final Recorder service = new Recorder();
  private EmbeddedChannel server;

  /** What the listener's events heard. */
  private static final class Events implements ListenerEvents {
    final Map<Refusal, Integer> refused = new EnumMap<>(Refusal.class);
    int handshakesOk;
    int handshakesFailed;

    @Override
    public void refused(EventLoop loop, Refusal refusal) {
      refused.merge(refusal, 1, Integer::sum);
    }

    @Override
    public void tlsHandshake(EventLoop loop, boolean succeeded) {
      if (succeeded) {
        handshakesOk++;
      } else {
        handshakesFailed++;
      }
    }
  }

  /** Stands where the service would be: keeps what reaches it. */
  private static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<Object> events = new ArrayList<>();
    final StringBuilder bytes = new StringBuilder();
    final List<Throwable> errors = new ArrayList<>();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      events.add(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      bytes.append(((ByteBuf) msg).toString(US_ASCII));
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause);
    }
  }

  @BeforeEach
  void setUp() {
    lines.start();
    log.addAppender(lines);
    server = new EmbeddedChannel();
    server.freezeTime();
    TlsStages stages = TlsStages.load(new TlsSettings(null, null, true, null), Instant.now()); // a log of its own
    for (ConnectionStage stage : stages.stages(events)) {
      server.pipeline().addLast(stage.name(), stage.newHandler(server));
    }
    server.pipeline().addLast(service);
  }

  @AfterEach
  void tearDown() {
    log.detachAppender(lines);
    server.finishAndReleaseAll();
  }

  private static EmbeddedChannel client() throws SSLException {
    SslContext context = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
        .trustManager(InsecureTrustManagerFactory.INSTANCE).protocols("TLSv1.3").build();
    EmbeddedChannel client = new EmbeddedChannel();
    client.pipeline().addLast(context.newHandler(client.alloc()));
    return client;
  }

  /** Carries bytes both ways until neither side has any to send. */
  private void shuttle(EmbeddedChannel client) {
    for (int round = 0; round < 50; round++) {
      boolean moved = false;
      for (Object out; (out = client.readOutbound()) != null; moved = true) {
        server.writeInbound(out);
      }
      for (Object out; (out = server.readOutbound()) != null; moved = true) {
        client.writeInbound(out);
      }
      if (!moved) {
        return;
      }
    }
    throw new AssertionError("the handshake did not settle in 50 rounds");
  }

  @Test
  void aHandshakePassesTheGateOnceAndNotesTheSessionInThePeer() throws Exception {
    EmbeddedChannel client = client();
    shuttle(client);

    assertThat(service.events).containsExactly(GatePassed.INSTANCE);
    assertThat(Peer.of(server).tls()).matches("TLSv1\\.3/TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)");
    assertThat(Peer.of(server).tlsSubject()).as("no client certificate asked for").isNull();
    assertThat(events.handshakesOk).isEqualTo(1);
    assertThat(events.handshakesFailed).isZero();
    assertThat(events.refused).isEmpty();

    client.writeAndFlush(Unpooled.copiedBuffer("hello\n", US_ASCII));
    shuttle(client);
    assertThat(service.bytes.toString()).isEqualTo("hello\n");
    client.finishAndReleaseAll();
  }

  @Test
  void aCloseNotifyEndsTheInputOnceEvenWhenTheTcpEndFollows() throws Exception {
    EmbeddedChannel client = client();
    shuttle(client);
    ((SslHandler) client.pipeline().first()).closeOutbound();
    shuttle(client);

    assertThat(service.events).containsExactly(GatePassed.INSTANCE, ChannelInputShutdownEvent.INSTANCE);
    server.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE); // the FIN after it
    assertThat(service.events).containsExactly(GatePassed.INSTANCE, ChannelInputShutdownEvent.INSTANCE);
    client.finishAndReleaseAll();
  }

  @Test
  void aTcpEndWithoutCloseNotifyEndsTheInputToo() throws Exception {
    EmbeddedChannel client = client();
    shuttle(client);
    server.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertThat(service.events).containsExactly(GatePassed.INSTANCE, ChannelInputShutdownEvent.INSTANCE);
    client.finishAndReleaseAll();
  }

  @Test
  void aClientThatSaysNothingIsClosedWhenTheHandshakeTimesOut() {
    server.advanceTimeBy(TlsStages.HANDSHAKE_TIMEOUT_MILLIS - 1, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    assertThat(server.isOpen()).isTrue();

    server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    server.runPendingTasks();

    assertThat(server.isOpen()).isFalse();
    assertThat(service.events).isEmpty();
    assertThat(events.refused).isEqualTo(Map.of(ListenerEvents.Refusal.TLS_HANDSHAKE, 1));
    assertThat(events.handshakesFailed).isEqualTo(1);
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "1 TLS handshakes failed in the last 10 s (latest: from embedded: handshake not finished in time"
            + " (handshake timed out after 10000ms))");
    server.checkException(); // nothing reached the end of the pipeline
  }

  @Test
  void aConnectionMidHandshakeIsClosedAtOnceWhenTheServerStopsAndIsNoFailure() throws Exception {
    EmbeddedChannel client = client();
    server.writeInbound(client.<Object>readOutbound()); // the ClientHello, unanswered as yet
    assertThat(server.isOpen()).isTrue();

    server.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE);
    server.runPendingTasks();

    assertThat(server.isOpen()).isFalse();
    assertThat(service.events).isEmpty();
    assertThat(events.handshakesFailed).isZero();
    assertThat(events.refused).isEmpty();
    assertThat(lines.list).isEmpty();
    server.checkException();
    client.finishAndReleaseAll();
  }

  @Test
  void aConnectionTheServerClosesBeforeItsHandshakeIsDoneIsNoFailure() {
    server.close();
    server.runPendingTasks();

    assertThat(events.handshakesFailed).isZero();
    assertThat(events.refused).isEmpty();
    assertThat(lines.list).isEmpty();
  }

  @Test
  void aServerShutdownAfterTheHandshakeGoesOnToTheService() throws Exception {
    EmbeddedChannel client = client();
    shuttle(client);
    server.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE);

    assertThat(server.isOpen()).as("the service finishes what it has read, then closes").isTrue();
    assertThat(service.events).containsExactly(GatePassed.INSTANCE, ServerShutdown.INSTANCE);
    client.finishAndReleaseAll();
  }

  @Test
  void plainTextIsRefusedAsNotTlsWithoutAStackTrace() {
    server.writeInbound(Unpooled.copiedBuffer("hello there, this is not a ClientHello\n", US_ASCII));
    server.runPendingTasks();

    assertThat(server.isOpen()).isFalse();
    assertThat(service.bytes.toString()).isEmpty();
    assertThat(service.events).isEmpty();
    assertThat(service.errors).isEmpty();
    assertThat(events.refused).isEqualTo(Map.of(ListenerEvents.Refusal.TLS_HANDSHAKE, 1));
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "1 TLS handshakes failed in the last 10 s (latest: from embedded: not TLS (plain text or another protocol))");
    assertThat(lines.list.get(0).getThrowableProxy()).isNull();
    server.checkException();
  }

  @Test
  void aTlsErrorAfterTheHandshakeReachesTheServiceAsTheEnginesOwnIoError() throws Exception {
    EmbeddedChannel client = client();
    shuttle(client);
    SSLException engineError = new SSLException("Tag mismatch");
    server.pipeline().context(PipelineNames.TLS).fireExceptionCaught(new DecoderException(engineError));
    assertThat(service.errors).containsExactly(engineError);
    client.finishAndReleaseAll();
  }
}
