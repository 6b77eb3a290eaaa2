package io.tsecho.soak;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that send many lines and read their replies slowly, a few KiB/s, checking each one in
 * order. A writer thread keeps up to {@code window} requests unanswered: by default more replies
 * than loopback's kernel buffers hold (the server's send buffer grows to net.ipv4.tcp_wmem's
 * maximum, 4 MiB by default), so the server's own queue fills and its backpressure stops reading
 * the connection, for as long as the client takes to read the kernel's share. A small receive
 * buffer keeps the replies on the server's side. After its last request the client half-closes and
 * checks that the server answers everything and then ends the connection.
 */
final class SlowReaders implements SoakClient {
  private static final int RECEIVE_BUFFER = 16 * 1024;
  private static final int READ_CHUNK = 512;
  private static final int LINE_LENGTH = 63;
  /** Longest wait for the next byte of a reply owed; the server's pauses are far shorter at these rates. */
  private static final long REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final int POLL_MILLIS = 500;

  private final Connections connections;
  private final Tally tally;
  private final int count;
  private final int bytesPerSecond;
  private final int lines;
  private final int window;
  private final AtomicLong nextId = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();

  /**
   * @param lines requests per connection
   * @param window requests sent and not yet answered, at most
   */
  SlowReaders(Connections connections, Tally tally, int count, int bytesPerSecond, int lines, int window) {
    this.connections = connections;
    this.tally = tally;
    this.count = count;
    this.bytesPerSecond = bytesPerSecond;
    this.lines = lines;
    this.window = window;
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
    return String.format("%d connections read all %d of their replies and saw the server close", completed.get(), lines);
  }

  @Override
  public void loop(int index, Deadline deadline) throws InterruptedException {
    while (!deadline.passed()) {
      if (!session(nextId.getAndIncrement(), deadline)) {
        deadline.sleepUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(1)); // no connection: try again, not in a spin
      }
    }
  }

  /** One connection's life; false if it could not connect. */
  private boolean session(long id, Deadline deadline) throws InterruptedException {
    String who = "connection " + id + ": ";
    Socket socket;
    try {
      socket = connections.open(RECEIVE_BUFFER);
      socket.setSoTimeout(POLL_MILLIS);
    } catch (IOException e) {
      tally.problem(tally.connectFailures, who + "cannot connect: " + e);
      return false;
    }
    tally.connections.increment();
    long startMillis = System.currentTimeMillis();
    Semaphore room = new Semaphore(window);
    AtomicLong sent = new AtomicLong();
    Thread writer = new Thread(() -> write(socket, id, room, sent, deadline), "soak-slow-writer-" + id);
    writer.setDaemon(true);
    writer.start();
    ReplyCheck check = new ReplyCheck();
    int answered = 0;
    try {
      LineReader in = new LineReader(socket.getInputStream(), new Throttle(bytesPerSecond, deadline), READ_CHUNK);
      for (; answered < lines; answered++) {
        byte[] reply = in.readLine(deadline.capped(System.nanoTime() + REPLY_TIMEOUT_NANOS));
        if (deadline.passed()) {
          return true; // the run is over; what is still owed is not the server's fault
        }
        if (reply == null) {
          tally.problem(tally.lost, who + "the server closed the connection after " + answered + " of " + lines + " replies");
          tally.problems(tally.missing, sent.get() - answered, who + (sent.get() - answered) + " requests never answered");
          return true;
        }
        String problem = check.problem(reply, Payload.of("slow", id, answered, LINE_LENGTH), startMillis);
        if (problem != null) {
          tally.problem(tally.wrong, who + "reply " + answered + ": " + problem);
          return true; // the replies after a wrong one cannot be matched any more
        }
        tally.ok.increment();
        room.release();
      }
      LineReader.Rest rest = in.readRest(deadline.capped(System.nanoTime() + REPLY_TIMEOUT_NANOS));
      if (rest.bytes().length > 0) {
        tally.problem(tally.extra, who + "after the last reply the server sent " + ReplyCheck.show(rest.bytes()));
      } else if (!rest.ended() && !deadline.passed()) {
        tally.problem(tally.notClosed, who + "the server kept the connection open after its last reply and the client's half-close");
      } else if (rest.ended()) {
        completed.incrementAndGet();
      }
    } catch (SocketTimeoutException e) {
      if (!deadline.passed()) {
        tally.problems(tally.missing, sent.get() - answered, who + "no reply for "
            + TimeUnit.NANOSECONDS.toSeconds(REPLY_TIMEOUT_NANOS) + " s after " + answered + " replies; "
            + (sent.get() - answered) + " requests unanswered");
      }
    } catch (EOFException e) {
      tally.problem(tally.lost, who + e.getMessage());
      tally.alsoCount(tally.missing, sent.get() - answered);
    } catch (IOException e) {
      if (!deadline.passed()) {
        tally.problem(tally.lost, who + "after " + answered + " replies: " + e);
        tally.alsoCount(tally.missing, sent.get() - answered);
      }
    } finally {
      connections.close(socket); // also ends a writer blocked on a server that stopped reading
      writer.join(TimeUnit.SECONDS.toMillis(10));
    }
    return true;
  }

  /** Sends the connection's requests, never more than the window ahead of the replies read; then half-closes. */
  private void write(Socket socket, long id, Semaphore room, AtomicLong sent, Deadline deadline) {
    try {
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
      for (int i = 0; i < lines; i++) {
        if (!room.tryAcquire()) {
          out.flush();
          while (!room.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            if (deadline.passed() || socket.isClosed()) {
              return;
            }
          }
        }
        out.write(Payload.line("slow", id, i, LINE_LENGTH));
        sent.incrementAndGet();
        tally.requests.increment();
      }
      out.flush();
      socket.shutdownOutput();
    } catch (IOException e) {
      // the reader closed the socket (end of run, or a failure it has counted)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
