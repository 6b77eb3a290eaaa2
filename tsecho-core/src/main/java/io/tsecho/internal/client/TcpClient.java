package io.tsecho.internal.client;

import io.tsecho.config.ClientConfig;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The line client: an interactive session for a terminal, and a pipe mode for scripts. Bytes go
 * both ways untouched; nothing is decoded.
 */
public final class TcpClient {
  /** How long the sender may take to notice the end of its input after the server has closed. */
  private static final long SENDER_GRACE_MILLIS = 1000;

  private final ClientConfig config;
  private final ConnectOptions options;

  public TcpClient(ClientConfig config) {
    this(config, ConnectOptions.PLAIN);
  }

  public TcpClient(ClientConfig config, ConnectOptions options) {
    this.config = config;
    this.options = options;
  }

  /**
   * Sends all of {@code in} as it is, half-closes, and copies every reply to {@code out} until the
   * server closes. Sending and receiving run at once, so neither side's buffers can fill up and stall.
   *
   * @throws ClientException on a connect failure, a silent server, or a connection lost before every reply
   */
  public void runPipe(InputStream in, OutputStream out) throws ClientException {
    ClientConnection connection = ClientConnection.open(config, options);
    String server = connection.server();
    try (connection) {
      AtomicLong linesSent = new AtomicLong();
      Sender sender = new Sender(in, connection, linesSent);
      Thread thread = new Thread(sender, "tsecho-client-sender");
      thread.setDaemon(true);
      thread.start();
      long linesReceived = receiveAll(connection, server, out, sender, linesSent);
      joinQuietly(thread, SENDER_GRACE_MILLIS);
      if (!sender.done) {
        throw new ClientException(ClientFailure.CONNECTION_LOST,
            "server " + server + " closed the connection before the end of the input");
      }
      if (sender.failure != null) {
        throw new ClientException(ClientFailure.CONNECTION_LOST,
            "connection to " + server + " lost while sending: " + sender.failure.getMessage());
      }
      if (linesReceived < linesSent.get()) {
        long missing = linesSent.get() - linesReceived;
        throw new ClientException(ClientFailure.CONNECTION_LOST,
            "server " + server + " closed the connection with " + missing + " line(s) unanswered");
      }
    } catch (IOException e) {
      throw new ClientException(ClientFailure.CONNECTION_LOST, "connection to " + server + " failed: " + e.getMessage());
    }
  }

  private long receiveAll(ClientConnection connection, String server, OutputStream out, Sender sender,
      AtomicLong linesSent) throws IOException, ClientException {
    connection.readTimeout(config.replyTimeout());
    InputStream fromServer = connection.in();
    byte[] buffer = new byte[16 * 1024];
    long linesReceived = 0;
    while (true) {
      int n;
      try {
        n = fromServer.read(buffer);
      } catch (SocketTimeoutException e) {
        if (!sender.done && linesReceived >= linesSent.get()) {
          continue; // nothing owed: the input is just slow
        }
        throw new ClientException(ClientFailure.TIMEOUT,
            "no reply from " + server + " within " + Durations.format(config.replyTimeout()));
      } catch (IOException e) {
        throw ClientConnection.lost(server, e);
      }
      if (n < 0) {
        return linesReceived;
      }
      out.write(buffer, 0, n);
      out.flush();
      linesReceived += countNewlines(buffer, n);
    }
  }

  /**
   * The classic session: prompt {@code "> "}, send the line, print the reply; an empty line or the end
   * of input quits.
   */
  public void runInteractive(InputStream in, PrintStream out) throws ClientException {
    ClientConnection connection = ClientConnection.open(config, options);
    String server = connection.server();
    try (connection) {
      connection.readTimeout(config.replyTimeout());
      OutputStream toServer = connection.out();
      InputStream fromServer = new BufferedInputStream(connection.in());
      while (true) {
        out.print("> ");
        out.flush();
        byte[] line = readLine(in);
        if (line == null || line.length == 0) {
          break;
        }
        toServer.write(line);
        toServer.write('\n');
        toServer.flush();
        out.write(readReply(fromServer, server));
        out.flush();
      }
      connection.shutdownOutput();
    } catch (IOException e) {
      throw ClientConnection.lost(server, e);
    }
  }

  private byte[] readReply(InputStream fromServer, String server) throws IOException, ClientException {
    ByteArrayOutputStream reply = new ByteArrayOutputStream(128);
    while (true) {
      int b;
      try {
        b = fromServer.read();
      } catch (SocketTimeoutException e) {
        throw new ClientException(ClientFailure.TIMEOUT,
            "no reply from " + server + " within " + Durations.format(config.replyTimeout()));
      }
      if (b < 0) {
        throw new ClientException(ClientFailure.CONNECTION_LOST, "server " + server + " closed the connection");
      }
      reply.write(b);
      if (b == '\n') {
        return reply.toByteArray();
      }
    }
  }

  /** One line without its newline (and without a terminal's {@code \r}), or null at the end of input. */
  static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.write(b);
    }
    if (b < 0 && line.size() == 0) {
      return null;
    }
    byte[] bytes = line.toByteArray();
    if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
      return java.util.Arrays.copyOf(bytes, bytes.length - 1);
    }
    return bytes;
  }

  static int countNewlines(byte[] bytes, int length) {
    int count = 0;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '\n') {
        count++;
      }
    }
    return count;
  }

  private static void joinQuietly(Thread thread, long millis) {
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Copies the input to the socket, counting the lines it owes replies for, then half-closes. */
  private static final class Sender implements Runnable {
    private final InputStream in;
    private final ClientConnection connection;
    private final AtomicLong linesSent;
    volatile boolean done;
    volatile IOException failure;

    Sender(InputStream in, ClientConnection connection, AtomicLong linesSent) {
      this.in = in;
      this.connection = connection;
      this.linesSent = linesSent;
    }

    @Override
    public void run() {
      try {
        OutputStream toServer = connection.out();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
          toServer.write(buffer, 0, n);
          linesSent.addAndGet(countNewlines(buffer, n));
        }
        connection.shutdownOutput();
      } catch (IOException e) {
        if (!connection.isClosed()) {
          failure = e;
        }
      } finally {
        done = true;
      }
    }
  }
}
