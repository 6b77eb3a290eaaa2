package io.tsecho.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.RecvByteBufAllocator;

/**
 * Tells, at the end of a read batch, whether the socket may hold more bytes than were read. Netty
 * stops a read loop either because the socket ran dry or because it hit its per-batch limit; only
 * the first means the client has paused.
 */
@FunctionalInterface
public interface InputProbe {

  /** Asks Netty's read-loop bookkeeping: a last read that filled its whole buffer may have left more behind. */
  InputProbe SOCKET = channel -> {
    RecvByteBufAllocator.Handle handle = channel.unsafe().recvBufAllocHandle();
    int last = handle.lastBytesRead();
    return last > 0 && last == handle.attemptedBytesRead();
  };

  boolean mayHaveMoreInput(Channel channel);
}
