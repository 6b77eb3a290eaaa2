package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.tsecho.config.ProxySettings;
import io.tsecho.internal.net.Addresses;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Reads the PROXY protocol header at the start of one connection, then passes its gate and leaves
 * the pipeline, with the bytes that followed the header handed on in order.
 *
 * <p>It gathers bytes until {@link ProxyFraming} can tell whether they are a header and, if so,
 * until the whole bounded header is there. Only then does it put Netty's {@link HAProxyMessageDecoder}
 * in front of itself and give it everything read so far: the decoder parses the header, hands back
 * the message and then the bytes after it, and leaves. The CRC32C, the trusted sources, the time
 * limit and the size limits are checked here, around the decoder.
 *
 * <p>Each connection ends up in exactly one of three ways: served with the header's client
 * ({@code proxyHeader(loop, true)}), served as itself without a header (optional mode only, no
 * event), or closed without a byte sent ({@code proxyHeader(loop, false)} and
 * {@code refused(loop, PROXY_HEADER)}, logged at most once per interval).
 */
final class ProxyGate extends ChannelInboundHandlerAdapter {
  private static final String DECODER = "proxy-decoder";

  private enum State { WAITING, DECODING, PASSED, REFUSED }

  private final ProxySettings settings;
  private final ListenerEvents events;
  private final RateLimitedLog refusals;
  private final Logger log;
  private final String timeoutText;

  private State state = State.WAITING;
  private boolean trusted;
  /** What the connection has sent while its header is awaited. */
  private ByteBuf held;
  /** A v2 header's own bytes, kept while the decoder parses it, for its checksum. */
  private ByteBuf v2Header;
  private Future<?> deadline;

  ProxyGate(ProxySettings settings, ListenerEvents events, RateLimitedLog refusals, Logger log, String timeoutText) {
    this.settings = settings;
    this.events = events;
    this.refusals = refusals;
    this.log = log;
    this.timeoutText = timeoutText;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    SocketAddress remote = ctx.channel().remoteAddress();
    trusted = remote instanceof InetSocketAddress && ((InetSocketAddress) remote).getAddress() != null
        && settings.trusts(((InetSocketAddress) remote).getAddress());
    if (settings.mode() == ProxySettings.Mode.REQUIRED && !trusted) {
      refuse(ctx, "not in --proxy-from, where a PROXY header is required");
      return;
    }
    deadline = ctx.executor().schedule(() -> timedOut(ctx), settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HAProxyMessage) {
      onHeader(ctx, (HAProxyMessage) msg);
      return;
    }
    switch (state) {
      case WAITING:
        if (!(msg instanceof ByteBuf)) {
          ReferenceCountUtil.release(msg);
          return;
        }
        held = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), held == null ? Unpooled.EMPTY_BUFFER : held,
            (ByteBuf) msg);
        examine(ctx);
        break;
      case PASSED:
        forward(ctx, msg); // the bytes after the header, from the decoder as it leaves
        break;
      default:
        ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (state == State.PASSED) {
      ctx.fireChannelReadComplete();
    }
  }

  private void examine(ChannelHandlerContext ctx) {
    ProxyFraming.Frame frame = ProxyFraming.examine(held);
    if (frame.verdict() == ProxyFraming.Verdict.PARTIAL_SIGNATURE) {
      return;
    }
    if (frame.verdict() == ProxyFraming.Verdict.NOT_A_HEADER) {
      if (settings.mode() == ProxySettings.Mode.OPTIONAL) {
        passWithoutHeader(ctx);
      } else {
        refuse(ctx, "no PROXY header");
      }
      return;
    }
    if (!trusted) {
      refuse(ctx, "PROXY header from an address not in --proxy-from");
      return;
    }
    switch (frame.verdict()) {
      case TOO_LONG:
        refuse(ctx, held.getByte(held.readerIndex()) == 'P'
            ? "PROXY v1 header without a CRLF in its first 107 bytes"
            : "PROXY v2 header longer than " + ProxyFraming.V2_MAX_LENGTH + " bytes");
        break;
      case V1:
      case V2:
        decode(ctx, frame);
        break;
      default:
        break; // the rest of the header has yet to come
    }
  }

  /** Hands the complete header, and whatever came after it, to Netty's decoder put in front of this gate. */
  private void decode(ChannelHandlerContext ctx, ProxyFraming.Frame frame) {
    state = State.DECODING;
    cancelDeadline();
    if (frame.verdict() == ProxyFraming.Verdict.V2) {
      v2Header = held.retainedSlice(held.readerIndex(), frame.length());
    }
    HAProxyMessageDecoder decoder = new HAProxyMessageDecoder();
    ctx.pipeline().addBefore(ctx.name(), DECODER, decoder);
    ChannelHandlerContext decoderContext = ctx.pipeline().context(decoder);
    ByteBuf input = held;
    held = null;
    try {
      decoder.channelRead(decoderContext, input); // calls back onHeader, then channelRead with the rest
    } catch (Exception e) {
      if (!decoderContext.isRemoved()) {
        ctx.pipeline().remove(decoder); // hands back the bytes it kept, released here
      }
      refuse(ctx, "malformed PROXY header: " + ProxyHeaders.printable(ProxyHeaders.rootMessage(e)));
      return;
    }
    if (state == State.DECODING) { // no message for a complete header: not expected of the decoder, handled all the same
      if (!decoderContext.isRemoved()) {
        ctx.pipeline().remove(decoder);
      }
      refuse(ctx, "malformed PROXY header");
    } else if (state == State.PASSED) {
      ctx.pipeline().remove(this);
    }
  }

  private void onHeader(ChannelHandlerContext ctx, HAProxyMessage header) {
    try {
      if (state != State.DECODING) {
        return;
      }
      String problem = ProxyHeaders.problem(header, v2Header);
      if (problem != null) {
        refuse(ctx, problem);
        return;
      }
      InetSocketAddress client = ProxyHeaders.client(header);
      if (client != null) {
        Peer.learn(ctx.channel()).proxied(client, ctx.channel().remoteAddress());
      }
      events.proxyHeader(ctx.channel().eventLoop(), true);
      if (log.isDebugEnabled()) {
        log.debug("{}", ProxyHeaders.describe(header, ctx.channel().remoteAddress(), client));
      }
      state = State.PASSED;
      ctx.fireUserEventTriggered(GatePassed.INSTANCE);
    } finally {
      header.release();
      releaseV2Header();
    }
  }

  private void passWithoutHeader(ChannelHandlerContext ctx) {
    state = State.PASSED;
    cancelDeadline();
    ctx.fireUserEventTriggered(GatePassed.INSTANCE);
    ByteBuf input = held;
    held = null;
    if (input != null && input.isReadable()) {
      forward(ctx, input);
    } else if (input != null) {
      input.release();
    }
    ctx.pipeline().remove(this);
  }

  /** Hands bytes on, unless a stage after this one has closed the connection meanwhile. */
  private static void forward(ChannelHandlerContext ctx, Object msg) {
    if (ctx.channel().isActive()) {
      ctx.fireChannelRead(msg);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void timedOut(ChannelHandlerContext ctx) {
    if (state != State.WAITING) {
      return;
    }
    boolean silent = held == null || !held.isReadable();
    if (silent && settings.mode() == ProxySettings.Mode.OPTIONAL) {
      passWithoutHeader(ctx); // nothing came: no header, and a client that waits to be spoken to (daytime, time)
    } else {
      refuse(ctx, silent ? "no PROXY header within " + timeoutText : "PROXY header not complete within " + timeoutText);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (state == State.WAITING && evt instanceof ChannelInputShutdownEvent) {
      endOfInput(ctx);
    } else if (state == State.WAITING && evt == ServerShutdown.INSTANCE) {
      state = State.REFUSED; // not the client's fault: not counted
      releaseHeld();
      ctx.close();
      return;
    }
    if (state != State.REFUSED) {
      super.userEventTriggered(ctx, evt);
    } else {
      ReferenceCountUtil.release(evt);
    }
  }

  /** The client has half-closed before its bytes settled whether a header came. */
  private void endOfInput(ChannelHandlerContext ctx) {
    boolean headerStarted = held != null && ProxyFraming.examine(held).isHeader();
    if (!headerStarted && settings.mode() == ProxySettings.Mode.OPTIONAL) {
      passWithoutHeader(ctx); // what it sent can no longer become a header: serve it as data
      ctx.fireChannelReadComplete();
    } else {
      refuse(ctx, headerStarted ? "end of input inside the PROXY header" : "end of input before a PROXY header");
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (state == State.WAITING || state == State.DECODING) {
      count(ctx, "closed before its PROXY header was read");
    }
    state = State.REFUSED;
    releaseHeld();
    cancelDeadline();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset before the header: counted as the connection closes
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelDeadline();
    releaseHeld();
    releaseV2Header();
  }

  private void refuse(ChannelHandlerContext ctx, String reason) {
    if (state == State.REFUSED) {
      return;
    }
    count(ctx, reason);
    state = State.REFUSED;
    cancelDeadline();
    releaseHeld();
    releaseV2Header();
    ctx.close();
  }

  private void count(ChannelHandlerContext ctx, String reason) {
    events.proxyHeader(ctx.channel().eventLoop(), false);
    events.refused(ctx.channel().eventLoop(), ListenerEvents.Refusal.PROXY_HEADER);
    refusals.record(new Refused(ctx.channel().remoteAddress(), reason));
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  private void releaseHeld() {
    if (held != null) {
      held.release();
      held = null;
    }
  }

  private void releaseV2Header() {
    if (v2Header != null) {
      v2Header.release();
      v2Header = null;
    }
  }

  /** A refusal as its log line shows it; turned into text only when that line is written. */
  private record Refused(SocketAddress from, String reason) {
    @Override
    public String toString() {
      return "from " + Addresses.format(from) + ": " + reason;
    }
  }
}
