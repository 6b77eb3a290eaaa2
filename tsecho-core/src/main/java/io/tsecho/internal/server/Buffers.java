package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;

/** Byte copies on the per-message path. */
final class Buffers {
  private Buffers() {}

  /**
   * Appends {@code length} bytes of {@code from} at {@code index} to {@code to}. Unlike
   * {@code to.writeBytes(from, index, length)}, which wraps the source in a new NIO buffer when both
   * are direct pooled buffers, this copies memory to memory and allocates nothing.
   */
  static ByteBuf append(ByteBuf to, ByteBuf from, int index, int length) {
    to.ensureWritable(length);
    int at = to.writerIndex();
    from.getBytes(index, to, at, length);
    return to.writerIndex(at + length);
  }
}
