package io.tsecho.config;

/** Which Netty transport carries the sockets. */
public enum Transport {
  /**
   * Native epoll where Netty can load it (Linux), NIO elsewhere; {@code tsecho bench} takes io_uring
   * for TCP first, where it loads.
   */
  AUTO,
  /** Linux native epoll; fails at start-up where it cannot be loaded. */
  EPOLL,
  /** The JDK's NIO selector, on every platform. */
  NIO,
  /** Linux io_uring (kernel 5.14 or later); fails at start-up where it cannot be loaded. */
  IO_URING
}
