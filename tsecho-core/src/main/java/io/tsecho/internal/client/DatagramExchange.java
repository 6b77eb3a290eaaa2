package io.tsecho.internal.client;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * One request and its reply over a datagram socket: send, then wait up to a time-out for the
 * datagram that answers it, skipping any other (a late answer to an earlier request, a stranger).
 * The datagram clients, the clock reader and ping all wait this one way.
 */
public final class DatagramExchange {
  private final DatagramSocket socket;
  private final byte[] buffer = new byte[65_536];

  public DatagramExchange(DatagramSocket socket) {
    this.socket = socket;
  }

  /** A reply, timed with {@link System#nanoTime()} from the send it answers. */
  public record TimedReply(byte[] bytes, long sentNanos, long receivedNanos) {}

  /**
   * Sends {@code request} and waits for a datagram that {@code answers} accepts.
   *
   * @return the reply, or null if none came within {@code timeout}
   * @throws java.net.PortUnreachableException on a connected socket, when nothing listens there
   */
  public TimedReply sendAndWait(DatagramPacket request, Duration timeout, Predicate<DatagramPacket> answers)
      throws IOException {
    long sent = System.nanoTime();
    socket.send(request);
    long deadline = sent + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      // Rounded up, and the deadline checked again after a time-out: poll(2) may wake a little early.
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        continue;
      }
      long received = System.nanoTime();
      if (answers.test(packet)) {
        return new TimedReply(Arrays.copyOfRange(packet.getData(), packet.getOffset(),
            packet.getOffset() + packet.getLength()), sent, received);
      }
    }
  }

  /** Whether a datagram ends with {@code tail}: stamp and echo replies end with their request's bytes. */
  public static boolean endsWith(DatagramPacket packet, byte[] tail) {
    int length = packet.getLength();
    int end = packet.getOffset() + length;
    return length >= tail.length && Arrays.equals(packet.getData(), end - tail.length, end, tail, 0, tail.length);
  }
}
