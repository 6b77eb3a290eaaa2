package io.tsecho.internal.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.tsecho.config.ClientTlsSettings;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of TLS, made once from {@link ClientTlsSettings}: a JDK {@link SSLContext} for
 * clients on blocking sockets and a Netty {@link SslContext} for clients on event loops, alike in
 * what they trust and show. A server's certificate is checked as an HTTPS client checks it: it must
 * chain to a trusted CA and name the host (or IP address) the client was given, unless the
 * settings say {@code insecure}. TLS 1.3 and 1.2 only.
 */
public final class TlsClients {
  private static final String[] PROTOCOLS = ServerTls.PROTOCOLS;
  /** The key store below never leaves memory; its password protects nothing. */
  private static final char[] IN_MEMORY = "tsecho".toCharArray();

  private final ClientTlsSettings settings;
  private final SSLContext jdk;
  private final SslContext netty;

  private TlsClients(ClientTlsSettings settings, SSLContext jdk, SslContext netty) {
    this.settings = settings;
    this.jdk = jdk;
    this.netty = netty;
  }

  /**
   * Reads the files the settings name.
   *
   * @throws IllegalArgumentException with one line naming the option and file, when one cannot be used
   */
  public static TlsClients of(ClientTlsSettings settings) {
    try {
      TrustManagerFactory trust = trust(settings);
      KeyManagerFactory keys = keys(settings);
      SSLContext jdk = SSLContext.getInstance("TLS");
      jdk.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      SslContextBuilder netty = SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .trustManager(trust)
          .endpointIdentificationAlgorithm(settings.insecure() ? null : "HTTPS");
      if (keys != null) {
        netty.keyManager(keys);
      }
      return new TlsClients(settings, jdk, netty.build());
    } catch (SSLException e) {
      throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static TrustManagerFactory trust(ClientTlsSettings settings) throws GeneralSecurityException, IOException {
    if (settings.insecure()) {
      return InsecureTrustManagerFactory.INSTANCE;
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (settings.ca() == null) {
      factory.init((KeyStore) null); // the JDK's own CAs
      return factory;
    }
    List<X509Certificate> cas = Pem.certificates(settings.ca(), "--tls-ca");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca-" + i, cas.get(i));
    }
    factory.init(store);
    return factory;
  }

  private static KeyManagerFactory keys(ClientTlsSettings settings) throws GeneralSecurityException, IOException {
    if (settings.certificate() == null) {
      return null;
    }
    TlsIdentity identity = TlsIdentity.load(settings.certificate(), "--tls-cert", settings.privateKey(), "--tls-key");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("client", identity.key(), IN_MEMORY, identity.chain().toArray(new X509Certificate[0]));
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, IN_MEMORY);
    return factory;
  }

  public ClientTlsSettings settings() {
    return settings;
  }

  /** For clients on Netty's event loops: put it first in the pipeline of a new connection. */
  public SslContext nettyContext() {
    return netty;
  }

  /** A handler for a connection to {@code host}, which it names to the server (SNI) and checks the certificate against. */
  public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
    return netty.newHandler(alloc, hostLiteral(host), port);
  }

  /**
   * Speaks TLS over a connected socket: the handshake is done, and the server's certificate checked
   * for {@code host}, when this returns. The returned socket owns {@code connected}.
   *
   * @param timeout the longest wait for the server during the handshake
   * @throws TlsHandshakeException with one line saying why, for the user; {@code connected} is closed
   */
  public SSLSocket handshake(Socket connected, String host, Duration timeout) throws TlsHandshakeException {
    String name = hostLiteral(host);
    SSLSocket socket = null;
    try {
      socket = (SSLSocket) jdk.getSocketFactory().createSocket(connected, name, connected.getPort(), true);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setProtocols(PROTOCOLS);
      if (!settings.insecure()) {
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
      }
      socket.setSSLParameters(parameters);
      int before = connected.getSoTimeout();
      socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
      socket.startHandshake();
      socket.setSoTimeout(before);
      return socket;
    } catch (IOException e) {
      closeQuietly(socket != null ? socket : connected);
      throw new TlsHandshakeException(failure(e, host, connected.getPort(), timeout), e);
    }
  }

  /**
   * Why a TLS session with {@code host} failed, in one line: for the handshake, and for the first
   * read of a TLS 1.3 session, where a server's refusal of the client's certificate arrives.
   */
  public String failure(Throwable cause, String host, int port, Duration timeout) {
    return TlsFailures.client(cause, TlsFailures.target(host, port), timeout, settings.certificate() != null);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** {@code [::1]} as the bare address that certificates and SNI use. */
  private static String hostLiteral(String host) {
    return host.length() > 2 && host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
