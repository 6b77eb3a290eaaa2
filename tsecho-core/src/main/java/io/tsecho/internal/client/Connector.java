package io.tsecho.internal.client;

import io.tsecho.internal.net.Addresses;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;

/**
 * Opens a TCP connection the way {@code connect_ex} reports it: each failure is a {@link ClientFailure},
 * never a stack trace. Tries every address a name resolves to, in order, as {@code localhost} may be
 * {@code ::1} first and the server only on {@code 127.0.0.1}.
 */
public final class Connector {
  private Connector() {}

  public static Socket connect(String host, int port, Duration timeout) throws ClientException {
    ClientException last = null;
    for (InetSocketAddress address : Resolver.resolveAll(host, port)) {
      Socket socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        socket.connect(address, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        return socket;
      } catch (IOException e) {
        closeQuietly(socket);
        last = classify(e, Addresses.describe(host, address), timeout);
      }
    }
    throw last;
  }

  /** The server a connected socket reached, named as the user named it. */
  public static String describe(String host, Socket socket) {
    return Addresses.describe(host, socket.getRemoteSocketAddress());
  }

  /** Names a failed connect as the failure it is, for a user. */
  public static ClientException classify(IOException e, String target, Duration timeout) {
    String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (e instanceof SocketTimeoutException || text.contains("timed out")) {
      return new ClientException(ClientFailure.TIMEOUT,
          "cannot connect to " + target + ": timed out after " + Durations.format(timeout));
    }
    if (e instanceof NoRouteToHostException || text.contains("unreachable") || text.contains("no route")) {
      return new ClientException(ClientFailure.UNREACHABLE, "cannot connect to " + target + ": " + e.getMessage());
    }
    if (e instanceof ConnectException && text.contains("refused")) {
      return new ClientException(ClientFailure.REFUSED, "cannot connect to " + target + ": connection refused");
    }
    return new ClientException(ClientFailure.CONNECTION_LOST, "cannot connect to " + target + ": " + e.getMessage());
  }

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to do with a socket that failed to connect
    }
  }
}
