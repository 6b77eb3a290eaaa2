package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.SocketAddress;

/**
 * Told of every message a listener receives, in the order it receives them: each line or trailing
 * piece of a stamped TCP connection (each read in {@code raw} framing), each read of a TCP echo
 * connection, each UDP datagram. Daytime and time connections ignore what they are sent, so they
 * report nothing. A server without one pays nothing for the hook.
 *
 * <p>Called on the server's event loops, before the message is answered: a client that has read
 * its reply knows that the message was reported. The bytes belong to the server and are valid only
 * during the call: copy what is kept, and neither release nor change the buffer.
 */
@FunctionalInterface
public interface MessageListener {

  /**
   * One message, as the server received it: a line with its line ending, a datagram whole.
   *
   * @param channel the TCP connection, or the UDP listener's socket
   * @param sender the client: for TCP the connection's (behind a PROXY header, the client it named),
   *     for UDP the datagram's source
   * @param buffer holds the message
   * @param index where the message starts in {@code buffer}
   * @param length how many bytes it has
   */
  void received(Channel channel, SocketAddress sender, ByteBuf buffer, int index, int length);
}
