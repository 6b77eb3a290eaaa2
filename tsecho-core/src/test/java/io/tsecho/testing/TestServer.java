package io.tsecho.testing;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Transport;
import io.tsecho.internal.server.TsechoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;

/** An in-process server on a free loopback port, closed by try-with-resources. */
public final class TestServer implements AutoCloseable {
  private final TsechoServer server;

  private TestServer(TsechoServer server) {
    this.server = server;
  }

  public static TestServer start(Transport transport, UnaryOperator<ServerConfig.Builder> settings) throws IOException {
    ServerConfig.Builder builder = ServerConfig.builder().port(0).transport(transport).threads(2);
    return new TestServer(TsechoServer.start(settings.apply(builder).build(), Clock.systemUTC()));
  }

  public static TestServer start(Transport transport) throws IOException {
    return start(transport, b -> b);
  }

  /** Skips the rest of the test, with Netty's reason, where the kernel or its sandbox refuses io_uring or epoll. */
  public static void assumeAvailable(Transport transport) {
    if (transport == Transport.IO_URING) {
      Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: " + IoUring.unavailabilityCause());
    } else if (transport == Transport.EPOLL) {
      Assumptions.assumeTrue(Epoll.isAvailable(), () -> "epoll is not available here: " + Epoll.unavailabilityCause());
    }
  }

  public TsechoServer server() {
    return server;
  }

  public int port() {
    return server.localAddress().getPort();
  }

  /** A client socket to 127.0.0.1 (or another loopback address) with a read time-out. */
  public Socket connect(String loopback) throws IOException {
    Socket socket = new Socket();
    socket.setSoTimeout(10_000);
    socket.connect(new InetSocketAddress(InetAddress.getByName(loopback), port()), 5_000);
    return socket;
  }

  public Socket connect() throws IOException {
    return connect("127.0.0.1");
  }

  @Override
  public void close() {
    server.close();
  }
}
