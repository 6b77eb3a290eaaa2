package io.tsecho.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Opens the soak clients' connections, and closes whatever is still open when the run is over. Thread-safe. */
final class Connections {
  static final int CONNECT_TIMEOUT_MILLIS = 5000;

  private final InetSocketAddress server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  Connections(InetSocketAddress server) {
    this.server = server;
  }

  /** @param receiveBuffer SO_RCVBUF, or 0 for the system's */
  Socket open(int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    open.add(socket);
    try {
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer); // before connecting, so the window is agreed at this size
      }
      socket.setTcpNoDelay(true);
      socket.connect(server, CONNECT_TIMEOUT_MILLIS);
      return socket;
    } catch (IOException e) {
      close(socket);
      throw e;
    }
  }

  void close(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing is all that is left to do with it
    }
  }

  void closeAll() {
    for (Socket s : open) {
      close(s);
    }
  }
}
