package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.tsecho.config.AccessRules;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.UdpLimits;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Answers each datagram with one datagram to its sender, within the rules that keep a UDP service
 * from being used to reflect or amplify traffic: no replies to low source ports, a rate per source
 * address, a global budget, and a reply never more than {@link UdpLimits#MAX_REPLY_GROWTH} bytes
 * larger than its request. A bad datagram is counted and dropped, never answered with an exception.
 *
 * <p>One instance per UDP listener; the listener's channel lives on one event loop.
 */
final class DatagramServiceHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final int SOURCE_SLOTS = 16_384;
  private static final RateLimitedLog ERRORS = new RateLimitedLog(org.slf4j.LoggerFactory.getLogger("io.tsecho.udp"),
      "udp socket errors", 10, java.util.concurrent.TimeUnit.SECONDS, System::nanoTime);

  private final Service service;
  private final Clocks clocks;
  private final UdpLimits limits;
  private final TokenBuckets perSource;
  private final TokenBuckets global;
  private final AccessRules access;
  private final UdpDrops drops;
  private final ListenerEvents events;
  private final WhoamiHeader whoami;
  private final DatagramFaults faults;
  /** Told of each datagram; null, as almost always, when nobody listens. */
  private final MessageListener messages;
  private boolean wroteInBatch;
  private byte[] tooLarge;
  private int tooLargeFor = -1;

  DatagramServiceHandler(Service service, Clocks clocks, UdpLimits limits, UdpDrops drops, LongSupplier nanoClock) {
    this(service, clocks, limits, AccessRules.OPEN, drops, ListenerEvents.NONE,
        new WhoamiHeader(ServerConfig.defaultInstance()), null, nanoClock);
  }

  /**
   * @param whoami what the whoami service says about the sender
   * @param faults the faults injected on purpose, or null for none
   */
  DatagramServiceHandler(Service service, Clocks clocks, UdpLimits limits, AccessRules access, UdpDrops drops,
      ListenerEvents events, WhoamiHeader whoami, DatagramFaults faults, LongSupplier nanoClock) {
    this(service, clocks, limits, access, drops, events, whoami, faults, null, nanoClock);
  }

  /** @param messages told of each datagram received, or null for none */
  DatagramServiceHandler(Service service, Clocks clocks, UdpLimits limits, AccessRules access, UdpDrops drops,
      ListenerEvents events, WhoamiHeader whoami, DatagramFaults faults, MessageListener messages,
      LongSupplier nanoClock) {
    super(DatagramPacket.class, true);
    this.messages = messages;
    this.service = service;
    this.clocks = clocks;
    this.limits = limits;
    this.access = access;
    this.drops = drops;
    this.events = events;
    this.whoami = whoami;
    this.faults = faults;
    int seed = ThreadLocalRandom.current().nextInt();
    this.perSource = limits.perSourceRate() > 0
        ? new TokenBuckets(SOURCE_SLOTS, limits.perSourceRate(), nanoClock, seed, limits.ipv6PrefixLength()) : null;
    this.global = limits.globalRate() > 0 ? new TokenBuckets(1, limits.globalRate(), nanoClock, seed, 128) : null;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    InetSocketAddress sender = packet.sender();
    ByteBuf request = packet.content();
    events.datagramReceived(ctx.channel().eventLoop(), request.readableBytes());
    if (messages != null) {
      messages.received(ctx.channel(), sender, request, request.readerIndex(), request.readableBytes());
    }
    if (!limits.allowLowPorts() && sender.getPort() < 1024) {
      drop(ctx, UdpDrops.Reason.LOW_PORT, sender);
      return;
    }
    if (!access.admits(sender.getAddress())) {
      drop(ctx, UdpDrops.Reason.ACCESS_DENIED, sender);
      return;
    }
    if (!hasRoomToSend(ctx)) {
      drop(ctx, UdpDrops.Reason.SEND_QUEUE_FULL, sender);
      return;
    }
    if (perSource != null && !perSource.tryAcquire(sender.getAddress())) {
      drop(ctx, UdpDrops.Reason.SOURCE_RATE, sender);
      return;
    }
    if (global != null && !global.tryAcquire(0)) {
      drop(ctx, UdpDrops.Reason.GLOBAL_BUDGET, sender);
      return;
    }
    ByteBuf reply = reply(ctx, request, sender);
    if (reply.readableBytes() > request.readableBytes() + UdpLimits.MAX_REPLY_GROWTH) {
      // Checked at start-up for every format; kept here as the last guard against amplification.
      reply.release();
      throw new IllegalStateException("a " + service.cliName() + " reply outgrew its request");
    }
    events.datagramReplied(ctx.channel().eventLoop(), reply.readableBytes());
    if (faults != null && faults.active()) {
      faults.send(ctx, new DatagramPacket(reply, sender), () -> (perSource == null || perSource.tryAcquire(
          sender.getAddress())) && (global == null || global.tryAcquire(0)));
    } else {
      ctx.write(new DatagramPacket(reply, sender), ctx.voidPromise());
    }
    drops.replied();
    wroteInBatch = true;
  }

  private void drop(ChannelHandlerContext ctx, UdpDrops.Reason reason, InetSocketAddress sender) {
    drops.record(reason, sender);
    events.datagramDropped(ctx.channel().eventLoop(), reason);
  }

  /**
   * Replies wait in the channel until the batch ends; when they pass the high watermark, a flush
   * lets the socket take them. A socket that still cannot take them is full: replies are dropped
   * rather than queued without bound.
   */
  private boolean hasRoomToSend(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      return true;
    }
    wroteInBatch = false;
    ctx.flush();
    return ctx.channel().isWritable();
  }

  private ByteBuf reply(ChannelHandlerContext ctx, ByteBuf request, InetSocketAddress sender) {
    switch (service) {
      case ECHO:
        return request.retain();
      case DAYTIME:
        return ctx.alloc().ioBuffer(64).writeBytes(clocks.daytime().current());
      case TIME:
        return ctx.alloc().ioBuffer(4).writeBytes(clocks.rfc868());
      case WHOAMI:
        return whoami(ctx, request, sender);
      case STAMP:
      default:
        byte[] prefix = clocks.replyPrefix().current();
        int length = prefix.length + request.readableBytes();
        if (length > limits.maxDatagram()) {
          drop(ctx, UdpDrops.Reason.TOO_LARGE, sender);
          return ctx.alloc().ioBuffer(96).writeBytes(tooLargeReply(limits.maxDatagram() - prefix.length));
        }
        return Buffers.append(ctx.alloc().ioBuffer(length).writeBytes(prefix), request, request.readerIndex(),
            request.readableBytes());
    }
  }

  /**
   * Whoami over UDP says far more than a short request holds, and a reply may exceed its request by
   * at most {@link UdpLimits#MAX_REPLY_GROWTH} bytes. So the message is the datagram up to its first
   * newline, and a client pads the datagram after it to make room; a datagram too short to answer
   * gets a short error naming the size it needs.
   */
  private ByteBuf whoami(ChannelHandlerContext ctx, ByteBuf request, InetSocketAddress sender) {
    byte[] prefix = clocks.replyPrefix().current();
    byte[] header = whoami.forDatagram(ctx.channel().localAddress(), sender);
    int newline = request.indexOf(request.readerIndex(), request.writerIndex(), (byte) '\n');
    int message = newline < 0 ? request.readableBytes() : newline + 1 - request.readerIndex();
    int length = prefix.length + header.length + message;
    if (length > request.readableBytes() + UdpLimits.MAX_REPLY_GROWTH || length > limits.maxDatagram()) {
      return ctx.alloc().ioBuffer(64).writeBytes(("tsecho error: whoami needs " + (length - UdpLimits.MAX_REPLY_GROWTH)
          + "+ bytes\n").getBytes(StandardCharsets.US_ASCII));
    }
    return Buffers.append(ctx.alloc().ioBuffer(length).writeBytes(prefix).writeBytes(header), request,
        request.readerIndex(), message);
  }

  /** The error datagram, made once per stamp length rather than once per oversized request. */
  private byte[] tooLargeReply(int maxPayload) {
    if (maxPayload != tooLargeFor) {
      tooLarge = tooLarge(maxPayload);
      tooLargeFor = maxPayload;
    }
    return tooLarge;
  }

  static byte[] tooLarge(int maxPayload) {
    return ("tsecho error: reply would not fit a datagram; send at most " + maxPayload + " bytes\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (wroteInBatch) {
      wroteInBatch = false;
      ctx.flush();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (faults != null) {
      faults.close();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A UDP socket outlives any one peer's errors (e.g. ICMP port unreachable): note it and go on.
    ERRORS.record(cause);
  }
}
