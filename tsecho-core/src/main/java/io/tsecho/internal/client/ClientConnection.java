package io.tsecho.internal.client;

import io.tsecho.config.ClientConfig;
import io.tsecho.internal.net.ProxyHeader;
import io.tsecho.internal.net.SocketTrace;
import io.tsecho.internal.tls.TlsClients;
import io.tsecho.internal.tls.TlsHandshakeException;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * One TCP connection of a line client, opened as its settings say: connected, then a PROXY header
 * sent first when asked for, then TLS when asked for, and each socket call traced when asked for
 * (over TLS, the bytes in the clear). Clients read and write
 * through {@link #in()} and {@link #out()} and never touch the socket.
 */
public final class ClientConnection implements Closeable {
  private final Socket socket;
  private final String server;
  private final Trace trace;
  private final InputStream in;
  private final OutputStream out;

  private ClientConnection(Socket socket, String server, Trace trace) throws IOException {
    this(socket, server, trace, null);
  }

  /** @param tlsFailure over TLS, why a session that fails before its first byte failed, in one line */
  private ClientConnection(Socket socket, String server, Trace trace, Function<IOException, String> tlsFailure)
      throws IOException {
    this.socket = socket;
    this.server = server;
    this.trace = trace;
    InputStream rawIn = socket.getInputStream();
    OutputStream rawOut = socket.getOutputStream();
    // Only TLS 1.3 lets the server refuse the client's certificate after the client's handshake is done.
    if (tlsFailure != null && socket instanceof SSLSocket ssl && "TLSv1.3".equals(ssl.getSession().getProtocol())) {
      TlsInput tlsIn = new TlsInput(rawIn, tlsFailure);
      rawIn = tlsIn;
      rawOut = new TlsOutput(rawOut, tlsIn);
    }
    this.in = trace == null ? rawIn : new TracedInput(rawIn, trace);
    this.out = trace == null ? rawOut : new TracedOutput(rawOut, trace);
  }

  /**
   * Connects to the configured server (every address its name resolves to, in turn), then sends
   * the PROXY header if one is configured, in the clear as a load balancer sends it, then does the
   * TLS handshake if TLS is configured.
   *
   * @throws ClientException when no address can be reached, the header cannot be sent, or the
   *     handshake fails ({@link ClientFailure#TLS_FAILED}, one line saying why)
   */
  public static ClientConnection open(ClientConfig config, ConnectOptions options) throws ClientException {
    PrintStream traceTo = options.trace();
    Socket socket = Connector.connect(config.host(), config.port(), config.connectTimeout());
    String server = Connector.describe(config.host(), socket);
    Trace trace = traceTo == null ? null : new Trace(traceTo, SocketTrace.name(socket.getRemoteSocketAddress()));
    try {
      if (trace != null) {
        trace.print(SocketTrace.socket((InetSocketAddress) socket.getRemoteSocketAddress(), true));
        trace.print(SocketTrace.connect(socket.getRemoteSocketAddress()));
      }
      ClientConnection connection = new ClientConnection(socket, server, trace);
      if (options.sendProxy() != null) {
        connection.out.write(ProxyHeader.tcp(options.sendProxy(), (InetSocketAddress) socket.getLocalSocketAddress(),
            (InetSocketAddress) socket.getRemoteSocketAddress()));
        connection.out.flush();
      }
      if (options.tls() == null) {
        return connection;
      }
      TlsClients tls = options.tls();
      return new ClientConnection(tls.handshake(socket, config.host(), config.connectTimeout()), server, trace,
          e -> tls.failure(e, config.host(), config.port(), config.connectTimeout()));
    } catch (TlsHandshakeException e) {
      throw new ClientException(ClientFailure.TLS_FAILED, e.getMessage()); // the socket is closed
    } catch (IOException e) {
      Connector.closeQuietly(socket);
      throw new ClientException(ClientFailure.CONNECTION_LOST, "connection to " + server + " lost: " + e.getMessage());
    }
  }

  /**
   * What a client reports when this connection fails: a TLS session that failed before its first
   * byte ({@link ClientFailure#TLS_FAILED}), or a lost connection.
   */
  public static ClientException lost(String server, IOException e) {
    if (e instanceof TlsHandshakeException) {
      return new ClientException(ClientFailure.TLS_FAILED, e.getMessage());
    }
    return new ClientException(ClientFailure.CONNECTION_LOST, "connection to " + server + " lost: " + e.getMessage());
  }

  /** The server as the user named it, e.g. {@code localhost ([::1]:21566)}. */
  public String server() {
    return server;
  }

  public InputStream in() {
    return in;
  }

  public OutputStream out() {
    return out;
  }

  /** How long a read may wait before it fails with a {@link java.net.SocketTimeoutException}. */
  public void readTimeout(Duration timeout) throws SocketException {
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
  }

  /** Half-closes: the server sees the end of input and may still answer. */
  public void shutdownOutput() throws IOException {
    if (trace != null) {
      trace.print(SocketTrace.shutdownWrite());
    }
    socket.shutdownOutput();
  }

  public boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public void close() throws IOException {
    if (trace != null && !socket.isClosed()) {
      trace.print(SocketTrace.close());
    }
    socket.close();
  }

  /** Trace lines for one connection, printed whole even when sender and receiver threads trace at once. */
  private record Trace(PrintStream to, String name) {
    void print(String event) {
      synchronized (to) {
        to.println(SocketTrace.line(name, event));
        to.flush();
      }
    }
  }

  private static final class TracedInput extends FilterInputStream {
    private final Trace trace;

    TracedInput(InputStream in, Trace trace) {
      super(in);
      this.trace = trace;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      trace.print(n < 0 ? SocketTrace.recvEnd() : SocketTrace.recv(b, off, n));
      return n;
    }
  }

  /**
   * Over TLS 1.3 the client's side of the handshake is done before the server has checked the
   * client's certificate: a refusal arrives as an alert at the first read, or as a reset when the
   * client's first bytes reached the closed connection before the alert was read. Until a byte has
   * come, such an error is the handshake's.
   */
  private static final class TlsInput extends FilterInputStream {
    private final Function<IOException, String> failure;
    /** Written by the reading thread, read by a sending one. */
    private volatile boolean received;

    TlsInput(InputStream in, Function<IOException, String> failure) {
      super(in);
      this.failure = failure;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = in.read(b, off, len);
        received |= n > 0;
        return n;
      } catch (SSLException | SocketException e) {
        throw failed(e);
      }
    }

    /** An error before the first byte came is the handshake's; after it, a lost connection's. */
    IOException failed(IOException e) {
      return received ? e : new TlsHandshakeException(failure.apply(e), e);
    }
  }

  /**
   * The sending side of {@link TlsInput}: the client's first lines may meet the connection the
   * server closed over the client's certificate (a broken pipe) before any byte has come back.
   */
  private static final class TlsOutput extends FilterOutputStream {
    private final TlsInput input;

    TlsOutput(OutputStream out, TlsInput input) {
      super(out);
      this.input = input;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (SSLException | SocketException e) {
        throw input.failed(e);
      }
    }
  }

  private static final class TracedOutput extends FilterOutputStream {
    private final Trace trace;

    TracedOutput(OutputStream out, Trace trace) {
      super(out);
      this.trace = trace;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      trace.print(SocketTrace.send(b, off, len));
    }
  }
}
