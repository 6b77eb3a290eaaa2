package io.tsecho.soak;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that stop in the middle of a line: each sends one complete line and checks its reply,
 * then sends the start of another line (1 to 16 KiB) and nothing more. Half of them give up and
 * close after a while shorter than the server's time-out; the other half wait for the server to
 * close them, which it must do no sooner than its time-out and no later than 15 s after it.
 *
 * <p>In line framing the server must never answer the piece; in auto framing it must answer it once
 * the client has been quiet (a second, for a client that has sent complete lines). Before closing
 * the server may send one error line ({@code tsecho error: ...}), and nothing else.
 */
final class Stallers implements SoakClient {
  private static final long REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** How much later than its time-out the server may close a stalled connection on a loaded machine. */
  private static final long LATE_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(15);
  /** Timers and clocks on both sides: the server may close this much before the time-out as the client measures it. */
  private static final long EARLY_TOLERANCE_MILLIS = 500;
  private static final int POLL_MILLIS = 500;
  private static final byte[] ERROR_LINE = "tsecho error: ".getBytes(StandardCharsets.US_ASCII);

  private final Connections connections;
  private final Tally tally;
  private final int count;
  private final Duration closeAfter;
  private final boolean pieceAnswered;
  private final AtomicLong nextId = new AtomicLong();

  /**
   * @param closeAfter how long after the piece the server should close the connection: the first of its time-outs
   * @param pieceAnswered whether the server answers a piece without a newline (auto framing)
   */
  Stallers(Connections connections, Tally tally, int count, Duration closeAfter, boolean pieceAnswered) {
    this.connections = connections;
    this.tally = tally;
    this.count = count;
    this.closeAfter = closeAfter;
    this.pieceAnswered = pieceAnswered;
  }

  @Override
  public Tally tally() {
    return tally;
  }

  @Override
  public int threads() {
    return count;
  }

  @Override
  public String note() {
    if (tally.closedByServer.sum() == 0) {
      return "none closed by the server's time-out (" + closeAfter.toSeconds() + " s)";
    }
    return String.format("closed by the server %.1f to %.1f s after their piece (time-out %d s)",
        tally.shortestMillis.get() / 1e3, tally.longestMillis.get() / 1e3, closeAfter.toSeconds());
  }

  @Override
  public void loop(int index, Deadline deadline) throws InterruptedException {
    while (!deadline.passed()) {
      if (!session(nextId.getAndIncrement(), deadline)) {
        deadline.sleepUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
      }
    }
  }

  /** One stalled connection; false if it could not connect. */
  private boolean session(long id, Deadline deadline) {
    String who = "connection " + id + ": ";
    SplittableRandom random = new SplittableRandom(id);
    Socket socket;
    try {
      socket = connections.open(0);
      socket.setSoTimeout(POLL_MILLIS);
    } catch (IOException e) {
      tally.problem(tally.connectFailures, who + "cannot connect: " + e);
      return false;
    }
    tally.connections.increment();
    try {
      byte[] line = Payload.of("stall", id, 0, 48);
      long sentMillis = System.currentTimeMillis();
      socket.getOutputStream().write(Payload.line("stall", id, 0, 48));
      tally.requests.increment();
      LineReader in = new LineReader(socket.getInputStream(), Throttle.NONE, 8192);
      byte[] reply = in.readLine(System.nanoTime() + REPLY_TIMEOUT_NANOS);
      if (reply == null) {
        tally.problem(tally.missing, who + "the server closed the connection without a reply");
        return true;
      }
      ReplyCheck check = new ReplyCheck();
      String problem = check.problem(reply, line, sentMillis);
      if (problem != null) {
        tally.problem(tally.wrong, who + problem);
        return true;
      }
      tally.ok.increment();

      byte[] piece = Payload.of("stall", id, 1, 1024 + random.nextInt(15 * 1024));
      long pieceMillis = System.currentTimeMillis();
      long pieceNanos = System.nanoTime();
      socket.getOutputStream().write(piece);
      if (pieceAnswered) {
        tally.requests.increment();
      }
      boolean waitsForServer = random.nextBoolean();
      long holdUntil = waitsForServer
          ? pieceNanos + closeAfter.toNanos() + LATE_MARGIN_NANOS
          : pieceNanos + (long) (closeAfter.toNanos() * (0.2 + 0.6 * random.nextDouble()));
      LineReader.Rest rest = in.readRest(deadline.capped(holdUntil));
      long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pieceNanos);
      if (!rest.ended() && deadline.passed()) {
        return true; // cut short by the end of the run
      }
      checkAfterPiece(who, rest, piece, pieceMillis, check);
      if (rest.ended()) {
        if (heldMillis < closeAfter.toMillis() - EARLY_TOLERANCE_MILLIS) {
          tally.problem(tally.lost, who + "the server closed the connection " + heldMillis + " ms after the piece, before its "
              + closeAfter.toSeconds() + " s time-out");
        } else {
          tally.closedByServer.increment();
          tally.longestMillis.accumulate(heldMillis);
          tally.shortestMillis.accumulate(heldMillis);
        }
      } else if (waitsForServer) {
        tally.problem(tally.notClosed, who + "still open " + heldMillis + " ms after the piece; the server's time-out is "
            + closeAfter.toSeconds() + " s");
      }
    } catch (SocketTimeoutException e) {
      tally.problem(tally.missing, who + "no reply within " + TimeUnit.NANOSECONDS.toSeconds(REPLY_TIMEOUT_NANOS) + " s");
    } catch (EOFException e) {
      tally.problem(tally.missing, who + e.getMessage());
    } catch (IOException e) {
      if (!deadline.passed()) {
        tally.problem(tally.lost, who + e);
      }
    } finally {
      connections.close(socket);
    }
    return true;
  }

  /** What came after the piece: its reply in auto framing, then at most one error line. */
  private void checkAfterPiece(String who, LineReader.Rest rest, byte[] piece, long pieceMillis, ReplyCheck check) {
    byte[] got = rest.bytes();
    int at = 0;
    if (pieceAnswered) {
      int replyEnd = stampedLength(got, piece.length);
      if (replyEnd < 0) {
        tally.problem(tally.missing, who + "the piece without a newline was not answered; got " + ReplyCheck.show(got));
        return;
      }
      String problem = check.problem(Arrays.copyOf(got, replyEnd), piece, pieceMillis);
      if (problem != null) {
        tally.problem(tally.wrong, who + "the piece's reply: " + problem);
        return;
      }
      tally.ok.increment();
      at = replyEnd;
    }
    byte[] after = Arrays.copyOfRange(got, at, got.length);
    boolean nothing = after.length == 0;
    boolean errorLine = rest.ended() && startsWith(after, ERROR_LINE) && indexOf(after, (byte) '\n') == after.length - 1;
    if (!nothing && !errorLine) {
      tally.problem(pieceAnswered ? tally.extra : tally.wrong, who + "after the piece the server sent " + ReplyCheck.show(after));
    }
  }

  /** The length of "[stamp] " plus {@code payloadLength} at the start of {@code got}; -1 if {@code got} is shorter or has no stamp. */
  private static int stampedLength(byte[] got, int payloadLength) {
    if (got.length < 2 || got[0] != '[') {
      return -1;
    }
    for (int i = 1; i + 1 < got.length; i++) {
      if (got[i] == ']' && got[i + 1] == ' ') {
        int end = i + 2 + payloadLength;
        return end <= got.length ? end : -1;
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
