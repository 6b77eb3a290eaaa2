package io.tsecho.internal.client;

import io.tsecho.config.ClientConfig;
import io.tsecho.internal.client.DatagramExchange.TimedReply;
import io.tsecho.internal.net.Addresses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The line client over UDP, in the classic {@code sendto}/{@code recvfrom} style: one datagram per
 * line, then wait for its reply, resending up to {@code retries} times. A datagram that gets no reply
 * is reported on stderr and the client goes on.
 */
public final class UdpClient {
  private static final int MAX_DATAGRAM = 65_507;

  /**
   * What a whoami datagram is padded to after its newline: a whoami reply over UDP may be at most 64
   * bytes longer than its request, and says far more than a short line holds.
   */
  public static final int WHOAMI_DATAGRAM = 1024;

  private final ClientConfig config;
  private final int retries;
  private final int padTo;

  public UdpClient(ClientConfig config, int retries) {
    this(config, retries, 0);
  }

  /** @param padTo pad each datagram with zero bytes after its line to this size; 0 sends the line alone */
  public UdpClient(ClientConfig config, int retries, int padTo) {
    if (retries < 0 || retries > 100) {
      throw new IllegalArgumentException("retries must be between 0 and 100, got " + retries);
    }
    this.config = config;
    this.retries = retries;
    this.padTo = padTo;
  }

  /**
   * Sends each line of {@code in} (with its newline) and copies each reply to {@code out}.
   *
   * @param prompt written before each line is read, {@code null} for none
   * @throws ClientException {@link ClientFailure#DATAGRAMS_LOST} once the input is done if any
   *     datagram went unanswered, or a failure to reach the server at all
   */
  public void run(InputStream in, OutputStream out, PrintStream err, String prompt) throws ClientException {
    InetSocketAddress address = Resolver.resolve(config.host(), config.port());
    String server = Addresses.describe(config.host(), address);
    long lost = 0;
    long sent = 0;
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(address);
      DatagramExchange exchange = new DatagramExchange(socket);
      while (true) {
        if (prompt != null) {
          out.write(prompt.getBytes(StandardCharsets.US_ASCII));
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
        TimedReply reply = send(exchange, line.length < padTo ? Arrays.copyOf(line, padTo) : line, line);
        if (reply == null) {
          err.println("tsecho: no reply to datagram " + sent + " from " + server + " after " + (retries + 1)
              + " tries of " + Durations.format(config.replyTimeout()));
          err.flush();
          lost++;
          continue;
        }
        out.write(reply.bytes());
        out.flush();
      }
    } catch (PortUnreachableException e) {
      throw new ClientException(ClientFailure.REFUSED, "nothing listens on udp " + server + " (port unreachable)");
    } catch (IOException e) {
      throw new ClientException(ClientFailure.CONNECTION_LOST, "udp to " + server + " failed: " + e.getMessage());
    }
    if (lost > 0) {
      throw new ClientException(ClientFailure.DATAGRAMS_LOST, lost + " of " + sent + " datagram(s) got no reply");
    }
  }

  /**
   * Sends a request until a reply that answers it arrives, one that ends with its line; null when
   * every try timed out. A late reply to an earlier try of the same line answers it as well as any.
   */
  private TimedReply send(DatagramExchange exchange, byte[] request, byte[] line) throws IOException {
    for (int attempt = 0; attempt <= retries; attempt++) {
      TimedReply reply = exchange.sendAndWait(new DatagramPacket(request, request.length), config.replyTimeout(),
          packet -> DatagramExchange.endsWith(packet, line));
      if (reply != null) {
        return reply;
      }
    }
    return null;
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
