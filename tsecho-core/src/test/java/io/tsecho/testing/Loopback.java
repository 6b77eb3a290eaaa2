package io.tsecho.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine has IPv6 loopback. Containers and some CI machines run without it; tests of
 * {@code ::1} are then skipped with the reason, and the IPv4 half of each test still runs.
 */
public final class Loopback {
  public static final String IPV4 = "127.0.0.1";
  public static final String IPV6 = "::1";

  private static Optional<String> ipv6Problem;

  private Loopback() {}

  /** Why ::1 cannot be used here, or empty when a TCP connection to it works. Looked at once. */
  public static synchronized Optional<String> ipv6Problem() {
    if (ipv6Problem == null) {
      ipv6Problem = tryIpv6();
    }
    return ipv6Problem;
  }

  private static Optional<String> tryIpv6() {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(IPV6));
        Socket client = new Socket()) {
      client.connect(new InetSocketAddress(InetAddress.getByName(IPV6), server.getLocalPort()), 5_000);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("IPv6 loopback ::1 is not available here (" + e.getMessage() + ")");
    }
  }

  /** Skips the rest of the test, with the reason, when {@code address} is ::1 and ::1 is not available. */
  public static void assumeAvailable(String address) {
    if (address.contains(":")) {
      assumeIpv6();
    }
  }

  /**
   * A socket bound to a port of 127.0.0.1 that does not listen: a connection to that port is
   * refused for as long as the socket stays open, and no other socket can take the port meanwhile.
   */
  public static Socket refusingPort() throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(IPV4, 0));
    return socket;
  }

  /** Skips the rest of the test, with the reason, when ::1 is not available. */
  public static void assumeIpv6() {
    Assumptions.assumeTrue(ipv6Problem().isEmpty(), () -> ipv6Problem().get());
  }
}
