package io.tsecho.client;

import io.tsecho.config.ClientConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The line client over UDP, in the classic {@code sendto}/{@code recvfrom} style: one datagram per
 * line, then wait for its reply, resending up to {@code retries} times. A datagram that gets no reply
 * is reported on stderr and the client goes on.
 */
public final class UdpClient {
  private static final int MAX_DATAGRAM = 65_507;

  private final ClientConfig config;
  private final int retries;

  public UdpClient(ClientConfig config, int retries) {
    if (retries < 0 || retries > 100) {
      throw new IllegalArgumentException("retries must be between 0 and 100, got " + retries);
    }
    this.config = config;
    this.retries = retries;
  }

  /**
   * Sends each line of {@code in} (with its newline) and copies each reply to {@code out}.
   *
   * @param prompt written before each line is read, {@code null} for none
   * @throws ClientException {@link ClientFailure#DATAGRAMS_LOST} once the input is done if any
   *     datagram went unanswered, or a failure to reach the server at all
   */
  public void run(InputStream in, OutputStream out, PrintStream err, String prompt) throws ClientException {
    InetAddress address = resolve();
    long lost = 0;
    long sent = 0;
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(new InetSocketAddress(address, config.port()));
      socket.setSoTimeout((int) config.replyTimeout().toMillis());
      byte[] buffer = new byte[65_536];
      while (true) {
        if (prompt != null) {
          out.write(prompt.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          out.flush();
        }
        byte[] line = readLine(in, prompt != null);
        if (line == null) {
          break;
        }
        sent++;
        if (line.length > MAX_DATAGRAM) {
          err.println("tsecho: line " + sent + " is " + line.length + " bytes, more than a datagram holds; not sent");
          lost++;
          continue;
        }
        byte[] reply = exchange(socket, line, buffer);
        if (reply == null) {
          err.println("tsecho: no reply to datagram " + sent + " from " + target() + " after " + (retries + 1)
              + " tries of " + Durations.format(config.replyTimeout()));
          err.flush();
          lost++;
          continue;
        }
        out.write(reply);
        out.flush();
      }
    } catch (PortUnreachableException e) {
      throw new ClientException(ClientFailure.REFUSED, "nothing listens on udp " + target() + " (port unreachable)");
    } catch (IOException e) {
      throw new ClientException(ClientFailure.CONNECTION_LOST, "udp to " + target() + " failed: " + e.getMessage());
    }
    if (lost > 0) {
      throw new ClientException(ClientFailure.DATAGRAMS_LOST, lost + " of " + sent + " datagram(s) got no reply");
    }
  }

  /** Sends a request until a reply that answers it arrives; null when every try timed out. */
  private byte[] exchange(DatagramSocket socket, byte[] request, byte[] buffer) throws IOException {
    for (int attempt = 0; attempt <= retries; attempt++) {
      socket.send(new DatagramPacket(request, request.length));
      long deadline = System.nanoTime() + config.replyTimeout().toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(packet);
        } catch (SocketTimeoutException e) {
          break;
        }
        byte[] reply = Arrays.copyOf(packet.getData(), packet.getLength());
        if (answers(reply, request)) {
          return reply;
        }
        // A late reply to an earlier datagram: skip it.
      }
    }
    return null;
  }

  /** Stamp and echo replies end with the request's bytes; anything else belongs to another request. */
  static boolean answers(byte[] reply, byte[] request) {
    if (reply.length < request.length) {
      return false;
    }
    return Arrays.equals(reply, reply.length - request.length, reply.length, request, 0, request.length);
  }

  private InetAddress resolve() throws ClientException {
    try {
      return InetAddress.getByName(Connector.hostLiteral(config.host()));
    } catch (UnknownHostException e) {
      throw new ClientException(ClientFailure.UNKNOWN_HOST, "unknown host: " + config.host());
    }
  }

  private String target() {
    return config.host() + ":" + config.port();
  }

  /**
   * The next line with its newline (one is added on a terminal, where typing Enter ends the line and
   * an empty line quits), or null at the end of input.
   */
  private static byte[] readLine(InputStream in, boolean interactive) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    int b;
    while ((b = in.read()) >= 0) {
      line.write(b);
      if (b == '\n') {
        break;
      }
    }
    if (line.size() == 0) {
      return null;
    }
    byte[] bytes = line.toByteArray();
    if (interactive && (bytes.length == 1 || (bytes.length == 2 && bytes[0] == '\r'))) {
      return null; // an empty line ends the session
    }
    return bytes;
  }
}
