package io.tsecho.internal.tls;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Why a TLS handshake failed, in one line for a person, from the exceptions the JDK's engine and
 * Netty throw. The server's words are about its client, the client's about its server.
 */
public final class TlsFailures {
  /** A message longer than this is cut: some carry a dump of the bytes received. */
  private static final int MAX_DETAIL = 160;
  /**
   * The alert the JDK's engine sends or received, which it puts before its message since JDK 23
   * (and in updates of 21): {@code (certificate_unknown) No subject alternative DNS name...}.
   */
  private static final Pattern ALERT_PREFIX = Pattern.compile("^\\([a-z0-9_]+\\) ");

  private TlsFailures() {}

  /** The reason a client's handshake failed, as a server logs it. */
  public static String server(Throwable failure) {
    Throwable cause = unwrap(failure);
    String text = messages(cause);
    if (cause instanceof SslHandshakeTimeoutException) {
      return "handshake not finished in time (" + detail(cause) + ")";
    }
    if (cause instanceof NotSslRecordException || text.contains("unrecognized ssl message")) {
      return "not TLS (plain text or another protocol)";
    }
    if (cause instanceof ClosedChannelException || cause instanceof EOFException) {
      return "closed by the client during the handshake";
    }
    if (text.contains("empty client certificate chain") || text.contains("certificate_required")
        || text.contains("peer_did_not_return_a_certificate")) { // the JDK's words, then OpenSSL's
      return "no client certificate";
    }
    if (has(cause, CertificateExpiredException.class)) {
      return "client certificate expired";
    }
    if (has(cause, CertificateNotYetValidException.class)) {
      return "client certificate not valid yet";
    }
    if (untrusted(cause, text)) {
      return "client certificate not signed by a CA of --tls-client-ca";
    }
    if (noCommonGround(text)) {
      return "no TLS version or cipher in common (" + detail(cause) + ")";
    }
    String alert = alert(text);
    if (alert != null) {
      return "the client ended the handshake with alert " + alert;
    }
    return detail(cause);
  }

  /**
   * The reason a handshake with a server failed, as a client reports it:
   * {@code TLS handshake with HOST:PORT failed: ...}.
   *
   * @param showedCertificate whether the client had a certificate to show: a server that refuses
   *     the client's certificate sends the same alert whether there was one or not
   */
  public static String client(Throwable failure, String target, Duration timeout, boolean showedCertificate) {
    return "TLS handshake with " + target + " failed: " + clientReason(unwrap(failure), timeout, showedCertificate);
  }

  private static String clientReason(Throwable cause, Duration timeout, boolean showedCertificate) {
    String text = messages(cause);
    if (cause instanceof SocketTimeoutException || cause instanceof SslHandshakeTimeoutException) {
      return "no answer from the server within " + timeout.toMillis() + " ms";
    }
    if (has(cause, CertificateExpiredException.class)) {
      return "the server's certificate has expired";
    }
    if (has(cause, CertificateNotYetValidException.class)) {
      return "the server's certificate is not valid yet";
    }
    if (text.contains("no subject alternative") || text.contains("no name matching")) {
      return "the server's certificate is not for this host name or address (" + detail(cause) + ")";
    }
    if (untrusted(cause, text)) {
      return "the server's certificate is not signed by a trusted CA; give its CA with --tls-ca, or --tls-insecure";
    }
    boolean certificateRefused = text.contains("certificate_required") || text.contains("bad_certificate")
        || text.contains("certificate_unknown") || text.contains("unknown_ca") || text.contains("certificate_expired")
        || text.contains("unsupported_certificate");
    if (certificateRefused && !showedCertificate) {
      return "the server asks for a client certificate: give --tls-cert and --tls-key";
    }
    if (certificateRefused) {
      String alert = alert(text);
      return "the server refused the client certificate" + (alert != null ? " (alert " + alert + ")" : "");
    }
    if (noCommonGround(text)) {
      return "no TLS version or cipher in common with the server (" + detail(cause) + ")";
    }
    if (text.contains("unrecognized ssl message") || cause instanceof NotSslRecordException) {
      return "the server does not speak TLS on this port";
    }
    if (text.contains("remote host terminated") || cause instanceof EOFException
        || text.contains("connection reset") || text.contains("broken pipe")) {
      return "the server closed the connection during the handshake";
    }
    return detail(cause);
  }

  /** {@code host:port}, with an IPv6 literal in brackets. */
  public static String target(String host, int port) {
    boolean bareIpv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
    return (bareIpv6 ? "[" + host + "]" : host) + ":" + port;
  }

  private static boolean untrusted(Throwable cause, String text) {
    return has(cause, CertPathBuilderException.class) || has(cause, CertPathValidatorException.class)
        || text.contains("pkix path") || text.contains("unable to find valid certification path")
        || text.contains("certificate_verify_failed");
  }

  private static boolean noCommonGround(String text) {
    return text.contains("no appropriate protocol") || text.contains("no cipher suites in common")
        || text.contains("protocol_version") || text.contains("handshake_failure")
        || text.contains("insufficient_security") || text.contains("is not enabled or supported")
        || text.contains("no_shared_cipher") || text.contains("unsupported_protocol");
  }

  /**
   * The alert named in a message: the JDK writes {@code Received fatal alert: bad_certificate},
   * OpenSSL {@code SSLV3_ALERT_BAD_CERTIFICATE} or {@code TLSV1_ALERT_UNKNOWN_CA}. Null when none is.
   */
  private static String alert(String text) {
    for (String marker : new String[] {"received fatal alert: ", "sslv3_alert_", "tlsv1_alert_", "tlsv13_alert_"}) {
      int at = text.indexOf(marker);
      if (at >= 0) {
        String rest = text.substring(at + marker.length());
        int end = 0;
        while (end < rest.length() && (Character.isLetterOrDigit(rest.charAt(end)) || rest.charAt(end) == '_')) {
          end++;
        }
        return rest.substring(0, end);
      }
    }
    return null;
  }

  /** Netty wraps what the engine throws; the engine's own exception says more. */
  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while (t instanceof DecoderException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean has(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** Every message in the cause chain, and of the suppressed, lower-cased, to look for words in. */
  private static String messages(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      text.append(t.getMessage()).append('\n');
      for (Throwable s : t.getSuppressed()) {
        text.append(s.getMessage()).append('\n');
      }
    }
    return text.toString().toLowerCase(Locale.ROOT);
  }

  /**
   * The first line of the exception's own message, cut to a length a log line can hold, without the
   * alert some JDKs put first: the words are then the same on every JDK.
   */
  static String detail(Throwable cause) {
    String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    message = ALERT_PREFIX.matcher(message).replaceFirst("");
    int eol = message.indexOf('\n');
    if (eol >= 0) {
      message = message.substring(0, eol);
    }
    return message.length() > MAX_DETAIL ? message.substring(0, MAX_DETAIL) + "..." : message;
  }
}
