package io.tsecho.internal.server;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;

/**
 * An in-memory connection that can be half-closed as a TCP socket can: the server may shut down its
 * output and go on reading, and the client may end its input while the connection stays open. The
 * clock is frozen: tests move it with {@code advanceTimeBy}. As on a socket, a write after the
 * server shut down its output fails.
 */
final class HalfClosingChannel extends FrozenTimeChannel implements DuplexChannel {
  private final InetSocketAddress remote;
  private final InetSocketAddress local;
  private boolean inputShutdown;
  private boolean outputShutdown;

  HalfClosingChannel(ChannelHandler... handlers) {
    this(null, null, handlers);
  }

  /** With these addresses in place of the embedded channel's own; null keeps its own. */
  HalfClosingChannel(InetSocketAddress remote, InetSocketAddress local, ChannelHandler... handlers) {
    super(EmbeddedChannel.builder().register(false).handlers(handlers));
    this.remote = remote;
    this.local = local;
    registerNow();
  }

  /** The client half-closes: the server reads its end of input. */
  void clientEndsInput() {
    inputShutdown = true;
    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    runPendingTasks();
  }

  @Override
  protected void doWrite(ChannelOutboundBuffer in) throws Exception {
    if (!outputShutdown) {
      super.doWrite(in);
      return;
    }
    while (in.current() != null) {
      in.remove(new ClosedChannelException());
    }
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return remote != null ? remote : super.remoteAddress0();
  }

  @Override
  protected SocketAddress localAddress0() {
    return local != null ? local : super.localAddress0();
  }

  @Override
  public boolean isInputShutdown() {
    return inputShutdown;
  }

  @Override
  public ChannelFuture shutdownInput() {
    return shutdownInput(newPromise());
  }

  @Override
  public ChannelFuture shutdownInput(ChannelPromise promise) {
    inputShutdown = true;
    return promise.setSuccess();
  }

  @Override
  public boolean isOutputShutdown() {
    return outputShutdown;
  }

  @Override
  public ChannelFuture shutdownOutput() {
    return shutdownOutput(newPromise());
  }

  @Override
  public ChannelFuture shutdownOutput(ChannelPromise promise) {
    outputShutdown = true;
    return promise.setSuccess();
  }

  @Override
  public boolean isShutdown() {
    return inputShutdown && outputShutdown;
  }

  @Override
  public ChannelFuture shutdown() {
    return shutdown(newPromise());
  }

  @Override
  public ChannelFuture shutdown(ChannelPromise promise) {
    inputShutdown = true;
    outputShutdown = true;
    return promise.setSuccess();
  }
}
