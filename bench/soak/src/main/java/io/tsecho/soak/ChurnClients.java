package io.tsecho.soak;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One-line clients that come and go: connect, send one line, check its stamped reply, and leave, at
 * a bounded rate shared by a few threads. Every other client half-closes after its reply and checks
 * that the server then ends the connection with nothing more (one reply per request); the others
 * just close, as most real clients do.
 */
final class ChurnClients implements SoakClient {
  private static final long REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final int POLL_MILLIS = 500;

  private final Connections connections;
  private final Tally tally;
  private final Pacer pacer;
  private final int threads;
  private final AtomicLong nextId = new AtomicLong();

  ChurnClients(Connections connections, Tally tally, double perSecond, int threads) {
    this.connections = connections;
    this.tally = tally;
    this.pacer = new Pacer(perSecond);
    this.threads = threads;
  }

  @Override
  public Tally tally() {
    return tally;
  }

  @Override
  public int threads() {
    return threads;
  }

  @Override
  public void loop(int index, Deadline deadline) throws InterruptedException {
    while (pacer.await(deadline)) {
      once(nextId.getAndIncrement());
    }
  }

  private void once(long id) {
    String who = "connection " + id + ": ";
    Socket socket;
    try {
      socket = connections.open(0);
    } catch (IOException e) {
      tally.problem(tally.connectFailures, who + "cannot connect: " + e);
      return;
    }
    tally.connections.increment();
    try {
      socket.setSoTimeout(POLL_MILLIS);
      int length = 16 + (int) (id % 200); // lines of every length from 16 to 215 bytes
      byte[] payload = Payload.of("churn", id, 0, length);
      long sentMillis = System.currentTimeMillis();
      socket.getOutputStream().write(Payload.line("churn", id, 0, length));
      tally.requests.increment();
      LineReader in = new LineReader(socket.getInputStream(), Throttle.NONE, 8192);
      byte[] reply = in.readLine(System.nanoTime() + REPLY_TIMEOUT_NANOS);
      if (reply == null) {
        tally.problem(tally.missing, who + "the server closed the connection without a reply");
        return;
      }
      String problem = new ReplyCheck().problem(reply, payload, sentMillis);
      if (problem != null) {
        tally.problem(tally.wrong, who + problem);
        return;
      }
      tally.ok.increment();
      if (id % 2 == 0) {
        socket.shutdownOutput();
        LineReader.Rest rest = in.readRest(System.nanoTime() + REPLY_TIMEOUT_NANOS);
        if (rest.bytes().length > 0) {
          tally.problem(tally.extra, who + "after its only reply and a half-close, the server sent "
              + ReplyCheck.show(rest.bytes()));
        } else if (!rest.ended()) {
          tally.problem(tally.notClosed, who + "the server kept the connection open "
              + TimeUnit.NANOSECONDS.toSeconds(REPLY_TIMEOUT_NANOS) + " s after the client's half-close");
        }
      }
    } catch (SocketTimeoutException e) {
      tally.problem(tally.missing, who + "no reply within " + TimeUnit.NANOSECONDS.toSeconds(REPLY_TIMEOUT_NANOS) + " s");
    } catch (EOFException e) {
      tally.problem(tally.missing, who + e.getMessage());
    } catch (IOException e) {
      tally.problem(tally.lost, who + e);
    } finally {
      connections.close(socket);
    }
  }
}
