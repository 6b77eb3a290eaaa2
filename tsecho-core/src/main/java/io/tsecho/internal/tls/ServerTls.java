package io.tsecho.internal.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.tsecho.config.TlsSettings;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The server side of TLS, made once at start from {@link TlsSettings}: the server's identity (read
 * from PEM files or made on the spot) and, for mutual TLS, the CAs a client certificate must chain
 * to. Every failure to read them is an {@link IllegalArgumentException} of one line, before any
 * socket is bound. TLS 1.3 and 1.2 only, with the JDK's engine or OpenSSL's.
 */
public final class ServerTls implements AutoCloseable {
  /** The versions spoken, newest first; nothing older is safe. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final TlsIdentity identity;
  private final List<X509Certificate> clientCas;
  private final TlsSettings.Engine engine;
  private final SslContext context;
  private final Instant loadedAt;

  private ServerTls(TlsIdentity identity, List<X509Certificate> clientCas, TlsSettings.Engine engine, SslContext context,
      Instant loadedAt) {
    this.identity = identity;
    this.clientCas = clientCas;
    this.engine = engine;
    this.context = context;
    this.loadedAt = loadedAt;
  }

  /**
   * Reads or makes what the settings ask for.
   *
   * @param now when the server starts: a self-signed certificate is valid from about then
   */
  public static ServerTls load(TlsSettings settings, Instant now) {
    TlsIdentity identity = settings.selfSigned()
        ? TlsIdentity.selfSigned(now)
        : TlsIdentity.load(settings.certificate(), "--tls-cert", settings.privateKey(), "--tls-key");
    List<X509Certificate> clientCas = settings.clientCa() == null
        ? List.of()
        : Pem.certificates(settings.clientCa(), "--tls-client-ca");
    SslContextBuilder builder = SslContextBuilder.forServer(identity.key(), identity.chain())
        .sslProvider(provider(settings.engine()))
        .protocols(PROTOCOLS);
    if (!clientCas.isEmpty()) {
      builder.trustManager(clientCas).clientAuth(ClientAuth.REQUIRE);
    }
    try {
      return new ServerTls(identity, List.copyOf(clientCas), settings.engine(), builder.build(), now);
    } catch (SSLException e) {
      throw new IllegalArgumentException("cannot serve TLS with this certificate and key: " + TlsFailures.detail(e));
    }
  }

  private static SslProvider provider(TlsSettings.Engine engine) {
    if (engine == TlsSettings.Engine.JDK) {
      return SslProvider.JDK;
    }
    if (!OpenSsl.isAvailable()) { // its native library is shipped for Linux on x86-64 and ARM64 only
      throw new IllegalArgumentException("--tls-engine openssl cannot be loaded here: "
          + TlsFailures.detail(OpenSsl.unavailabilityCause()));
    }
    return SslProvider.OPENSSL;
  }

  public TlsIdentity identity() {
    return identity;
  }

  /** Whether clients must show a certificate signed by one of the CAs given. */
  public boolean requiresClientCertificates() {
    return !clientCas.isEmpty();
  }

  /** A TLS engine for one new connection. */
  public SslHandler newHandler(ByteBufAllocator alloc) {
    return context.newHandler(alloc);
  }

  /** Frees the OpenSSL engine's native context; the JDK's has nothing to free. */
  @Override
  public void close() {
    ReferenceCountUtil.release(context);
  }

  /**
   * For the listening line: {@code tls self-signed, sha256 AB:CD:...}, or
   * {@code tls subject "CN=example.com", sha256 AB:CD:...}; and whether client certificates are required.
   */
  public String describe() {
    X509Certificate certificate = identity.certificate();
    StringBuilder text = new StringBuilder("tls ");
    text.append(identity.selfSigned() ? "self-signed" : "subject \"" + TlsIdentity.subject(certificate) + "\"");
    text.append(", sha256 ").append(identity.fingerprint());
    if (certificate.getNotAfter().toInstant().isBefore(loadedAt)) {
      text.append(", EXPIRED ").append(certificate.getNotAfter().toInstant());
    } else if (certificate.getNotBefore().toInstant().isAfter(loadedAt)) {
      text.append(", NOT VALID BEFORE ").append(certificate.getNotBefore().toInstant());
    }
    if (engine != TlsSettings.Engine.JDK) {
      text.append(", engine ").append(engine.cliName());
    }
    if (!clientCas.isEmpty()) {
      text.append(", client certificates required (").append(clientCas.size())
          .append(clientCas.size() == 1 ? " CA)" : " CAs)");
    }
    return text.toString();
  }
}
