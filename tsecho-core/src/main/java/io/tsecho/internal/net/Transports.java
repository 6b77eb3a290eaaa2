package io.tsecho.internal.net;

import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.tsecho.config.Transport;

/**
 * A transport ready to use: the event-loop flavour and the channel classes that go with it.
 *
 * @param notSentLowWatermark the socket option {@code TCP_NOTSENT_LOWAT}, or null where the
 *     transport cannot set it (NIO: the JDK has no such option)
 */
public record Transports(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel, Class<? extends DatagramChannel> datagramChannel,
    ChannelOption<Long> notSentLowWatermark) {

  /**
   * Picks the transport for a setting.
   *
   * @throws IllegalStateException if epoll or io_uring was asked for and cannot be loaded here, with
   *     Netty's reason
   */
  public static Transports resolve(Transport choice) {
    switch (choice) {
      case EPOLL:
        requireAvailable("epoll", Epoll.unavailabilityCause());
        return epoll();
      case NIO:
        return nio();
      case IO_URING:
        requireAvailable("io_uring", IoUring.unavailabilityCause());
        return ioUring();
      case AUTO:
      default:
        return Epoll.isAvailable() ? epoll() : nio();
    }
  }

  /** Netty reports a native transport it could load with no unavailability cause. */
  private static void requireAvailable(String name, Throwable unavailabilityCause) {
    if (unavailabilityCause != null) {
      throw new IllegalStateException("the " + name + " transport is not available here: " + unavailabilityCause);
    }
  }

  private static Transports epoll() {
    return new Transports("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class,
        EpollDatagramChannel.class, EpollChannelOption.TCP_NOTSENT_LOWAT);
  }

  private static Transports ioUring() {
    return new Transports("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
        IoUringSocketChannel.class, IoUringDatagramChannel.class, IoUringChannelOption.TCP_NOTSENT_LOWAT);
  }

  private static Transports nio() {
    return new Transports("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
        NioDatagramChannel.class, null);
  }
}
