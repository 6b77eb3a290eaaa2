package io.tsecho.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.tsecho.config.TlsSettings;
import io.tsecho.internal.net.Addresses;
import io.tsecho.internal.tls.ServerTls;
import io.tsecho.internal.tls.TlsFailures;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.LoggerFactory;

/**
 * TLS on the connections of {@code tls} listeners, as two stages: Netty's {@link SslHandler}
 * ({@link PipelineNames#TLS}), and behind it a gate ({@link PipelineNames#TLS_GATE}) that passes
 * once the handshake has succeeded, after noting the session (version, cipher, client certificate)
 * in the {@link Peer}. A handshake that fails or does not finish in time closes the connection; it
 * is counted as refused and logged at most once per interval. A connection still in its handshake
 * when the server stops is closed at once, and neither counted nor logged as a failure.
 *
 * <p>The gate stays in the pipeline to tell the service what TLS means for it: a client's
 * close_notify ends its input, as a TCP half-close does; an error of the TLS layer is an I/O error
 * of the connection.
 */
final class TlsStages {
  /**
   * Long enough for the one or two round trips of a handshake over the slowest links people test
   * (satellite, a loaded CI machine checking an RSA chain); short enough that clients which connect
   * and say nothing hold a connection slot for seconds, not minutes: until the handshake is done,
   * the idle time-out does not apply. Netty's default.
   */
  static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private final ServerTls tls;
  private final RateLimitedLog failures;

  TlsStages(ServerTls tls, RateLimitedLog failures) {
    this.tls = tls;
    this.failures = failures;
  }

  /**
   * Reads the certificate, key and client CAs, or makes a self-signed certificate.
   *
   * @throws IllegalArgumentException one line naming the option and the file that cannot be used
   */
  static TlsStages load(TlsSettings settings, Instant now) {
    return new TlsStages(ServerTls.load(settings, now), new RateLimitedLog(
        LoggerFactory.getLogger("io.tsecho.connections"), "TLS handshakes failed", 10, TimeUnit.SECONDS,
        System::nanoTime));
  }

  ServerTls tls() {
    return tls;
  }

  /** Once every connection is gone. */
  void close() {
    tls.close();
  }

  /** The engine and its gate, for one listener. */
  List<ConnectionStage> stages(ListenerEvents events) {
    return List.of(new Engine(), new Gate(new GateHandler(events, failures)));
  }

  private final class Engine implements ConnectionStage {
    @Override
    public String name() {
      return PipelineNames.TLS;
    }

    @Override
    public ChannelHandler newHandler(Channel channel) {
      SslHandler handler = tls.newHandler(channel.alloc());
      handler.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
      return handler;
    }

    @Override
    public boolean isGate() {
      return false;
    }
  }

  private static final class Gate implements ConnectionStage {
    private final GateHandler handler;

    Gate(GateHandler handler) {
      this.handler = handler;
    }

    @Override
    public String name() {
      return PipelineNames.TLS_GATE;
    }

    @Override
    public ChannelHandler newHandler(Channel channel) {
      return handler;
    }

    @Override
    public boolean isGate() {
      return true;
    }
  }

  /** Stateless: what it needs to know of a connection, its SslHandler knows. */
  @Sharable
  static final class GateHandler extends ChannelDuplexHandler {
    /** Set on a connection that the server closed mid-handshake, as it does when it stops. */
    private static final AttributeKey<Boolean> CLOSED_HERE = AttributeKey.valueOf(GateHandler.class, "closedHere");

    private final ListenerEvents events;
    private final RateLimitedLog failures;

    GateHandler(ListenerEvents events, RateLimitedLog failures) {
      this.events = events;
      this.failures = failures;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent) {
        SslHandshakeCompletionEvent handshake = (SslHandshakeCompletionEvent) evt;
        if (handshake.isSuccess()) {
          passed(ctx);
        } else {
          failed(ctx, handshake.cause());
        }
      } else if (evt instanceof SslCloseCompletionEvent) {
        if (((SslCloseCompletionEvent) evt).isSuccess() && handshakeSucceeded(ctx)) {
          ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE); // close_notify: the client sends no more
        }
      } else if (evt instanceof ChannelInputShutdownEvent) {
        if (!closeNotified(ctx)) { // else the service has heard it from the close_notify already
          ctx.fireUserEventTriggered(evt);
        }
      } else if (evt == ServerShutdown.INSTANCE && !handshakeSucceeded(ctx)) {
        ctx.channel().attr(CLOSED_HERE).set(Boolean.TRUE); // no service to finish: close now
        ctx.close();
      } else {
        ctx.fireUserEventTriggered(evt);
      }
    }

    private void passed(ChannelHandlerContext ctx) {
      SSLSession session = engine(ctx).engine().getSession();
      String subject;
      try {
        subject = session.getPeerPrincipal().getName();
      } catch (SSLPeerUnverifiedException e) {
        subject = null; // no client certificate asked for
      }
      Peer.learn(ctx.channel()).tls(session.getProtocol() + "/" + session.getCipherSuite(), subject);
      events.tlsHandshake(ctx.channel().eventLoop(), true);
      ctx.fireUserEventTriggered(GatePassed.INSTANCE);
    }

    private void failed(ChannelHandlerContext ctx, Throwable cause) {
      if (ctx.channel().hasAttr(CLOSED_HERE)) { // not the client's failure: neither counted nor logged
        return;
      }
      events.tlsHandshake(ctx.channel().eventLoop(), false);
      events.refused(ctx.channel().eventLoop(), ListenerEvents.Refusal.TLS_HANDSHAKE);
      failures.record(new Failure(Peer.of(ctx.channel()).client(), cause));
      ctx.close();
    }

    /**
     * Before the handshake has succeeded, the failure is the handshake's, counted and logged with it;
     * after, a TLS error is an I/O error of the connection, which the service logs in its line.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!handshakeSucceeded(ctx)) {
        ctx.close();
        return;
      }
      ctx.fireExceptionCaught(cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause);
    }

    /**
     * A connection closed by the server before its handshake is done has not failed it. One closed
     * while replies still wait in its queue (its client stopped reading them) is closed at once: a
     * close_notify would only wait behind them for the engine's own time-out, and end in a warning.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      if (!handshakeSucceeded(ctx)) {
        ctx.channel().attr(CLOSED_HERE).set(Boolean.TRUE);
      }
      ChannelOutboundBuffer queued = ctx.channel().unsafe().outboundBuffer();
      ChannelHandlerContext engine = ctx.pipeline().context(PipelineNames.TLS);
      if (engine != null && queued != null && queued.totalPendingWriteBytes() > 0) {
        engine.close(promise); // from the engine towards the socket, past the engine
      } else {
        ctx.close(promise);
      }
    }

    private static SslHandler engine(ChannelHandlerContext ctx) {
      return (SslHandler) ctx.pipeline().get(PipelineNames.TLS);
    }

    private static boolean handshakeSucceeded(ChannelHandlerContext ctx) {
      SslHandler engine = engine(ctx);
      return engine != null && engine.handshakeFuture().isSuccess();
    }

    private static boolean closeNotified(ChannelHandlerContext ctx) {
      SslHandler engine = engine(ctx);
      return engine != null && engine.sslCloseFuture().isSuccess();
    }
  }

  /** A failed handshake, put into words only when the log line is written. */
  private record Failure(SocketAddress peer, Throwable cause) {
    @Override
    public String toString() {
      return "from " + Addresses.format(peer) + ": " + TlsFailures.server(cause);
    }
  }
}
