package io.tsecho.soak;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * Reads newline-ended replies from a socket, at most {@code chunk} bytes per read and paced by a
 * {@link Throttle}. A read time-out (the socket's SO_TIMEOUT) keeps what was read so far, so a
 * caller can poll in short steps until its own limit.
 */
final class LineReader {
  private static final int MAX_LINE = 1 << 20;

  private final InputStream in;
  private final Throttle throttle;
  private final int chunk;
  private byte[] buf = new byte[8192];
  private int start;
  private int end;

  LineReader(InputStream in, Throttle throttle, int chunk) {
    this.in = in;
    this.throttle = throttle;
    this.chunk = chunk;
  }

  /**
   * The next line without its newline, or null if the input ends before a line starts.
   *
   * @throws EOFException if the input ends inside a line
   * @throws SocketTimeoutException if {@code limitNanos} passes first
   */
  byte[] readLine(long limitNanos) throws IOException {
    int scanned = 0; // bytes of this line already searched for a newline; fill() may move the line
    while (true) {
      for (int i = start + scanned; i < end; i++) {
        if (buf[i] == '\n') {
          byte[] line = Arrays.copyOfRange(buf, start, i);
          start = i + 1;
          return line;
        }
      }
      scanned = end - start;
      if (end - start > MAX_LINE) {
        throw new IOException("more than " + MAX_LINE + " bytes without a newline");
      }
      if (!fill(limitNanos)) {
        if (start == end) {
          return null;
        }
        throw new EOFException("input ended inside a line: " + ReplyCheck.show(Arrays.copyOfRange(buf, start, end)));
      }
    }
  }

  /** What is left of a connection's input: its bytes, and whether the input ended. */
  record Rest(byte[] bytes, boolean ended) {}

  /** Everything until the end of input or {@code limitNanos}, whichever comes first, including bytes already buffered. */
  Rest readRest(long limitNanos) throws IOException {
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    rest.write(buf, start, end - start);
    start = end;
    try {
      while (fill(limitNanos)) {
        rest.write(buf, start, end - start);
        start = end;
      }
      return new Rest(rest.toByteArray(), true);
    } catch (SocketTimeoutException e) {
      return new Rest(rest.toByteArray(), false); // the limit passed with the connection still open
    }
  }

  /** Reads at least one more byte into the buffer; false at the end of input. */
  private boolean fill(long limitNanos) throws IOException {
    if (start == end) {
      start = 0;
      end = 0;
    } else if (end == buf.length) {
      if (start > 0) {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        start = 0;
      } else {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
    }
    while (true) {
      try {
        int n = in.read(buf, end, Math.min(chunk, buf.length - end));
        if (n < 0) {
          return false;
        }
        end += n;
        throttle.spend(n);
        return true;
      } catch (SocketTimeoutException e) {
        if (System.nanoTime() - limitNanos >= 0) {
          throw e;
        }
      }
    }
  }
}
