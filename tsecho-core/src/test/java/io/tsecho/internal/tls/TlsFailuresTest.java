package io.tsecho.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The words for what the JDK's engine and Netty throw; the messages are theirs, as seen in the integration tests. */
class TlsFailuresTest {
  private static SSLHandshakeException handshake(String message, Throwable cause) {
    SSLHandshakeException e = new SSLHandshakeException(message);
    e.initCause(cause);
    return e;
  }

  @Test
  void theServerNamesItsClientsMistakesWithoutTheBytesTheyCarry() {
    NotSslRecordException plain = new NotSslRecordException("not an SSL/TLS record: " + "68656c6c6f".repeat(1000));
    assertThat(TlsFailures.server(new DecoderException(plain))).isEqualTo("not TLS (plain text or another protocol)");
    assertThat(TlsFailures.server(new SslHandshakeTimeoutException("handshake timed out after 10000ms")))
        .isEqualTo("handshake not finished in time (handshake timed out after 10000ms)");
    assertThat(TlsFailures.server(new ClosedChannelException())).isEqualTo("closed by the client during the handshake");
    assertThat(TlsFailures.server(new DecoderException(new SSLHandshakeException("Empty client certificate chain"))))
        .isEqualTo("no client certificate");
    assertThat(TlsFailures.server(handshake("PKIX path validation failed", new CertPathValidatorException("no"))))
        .isEqualTo("client certificate not signed by a CA of --tls-client-ca");
    assertThat(TlsFailures.server(handshake("x", new CertificateExpiredException("NotAfter: ..."))))
        .isEqualTo("client certificate expired");
    assertThat(TlsFailures.server(new SSLHandshakeException("Received fatal alert: unknown_ca")))
        .isEqualTo("the client ended the handshake with alert unknown_ca");
    assertThat(TlsFailures.server(new SSLHandshakeException("Client requested protocol TLSv1.1 is not enabled or supported in server context")))
        .isEqualTo("no TLS version or cipher in common (Client requested protocol TLSv1.1 is not enabled or supported in server context)");
  }

  @Test
  void openSslsWordsMeanTheSame() {
    assertThat(TlsFailures.server(new javax.net.ssl.SSLHandshakeException(
        "error:100000c0:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE"))).isEqualTo("no client certificate");
    assertThat(TlsFailures.server(new javax.net.ssl.SSLHandshakeException(
        "error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED")))
        .isEqualTo("client certificate not signed by a CA of --tls-client-ca");
    assertThat(TlsFailures.server(new javax.net.ssl.SSLHandshakeException(
        "error:10000416:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN")))
        .isEqualTo("the client ended the handshake with alert certificate_unknown");
    assertThat(TlsFailures.server(new javax.net.ssl.SSLHandshakeException(
        "error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA")))
        .isEqualTo("the client ended the handshake with alert unknown_ca");
  }

  @Test
  void aLongOrManyLinedMessageIsCutToOneShortLine() {
    assertThat(TlsFailures.server(new SSLHandshakeException("first line\nsecond line"))).isEqualTo("first line");
    assertThat(TlsFailures.server(new SSLHandshakeException("x".repeat(500)))).isEqualTo("x".repeat(160) + "...");
  }

  @Test
  void theAlertNewerJdksPutBeforeTheirMessageIsLeftOutSoThatTheLineIsTheSameOnEveryJdk() {
    Duration t = Duration.ofSeconds(5);
    String words = "No subject alternative DNS name matching other.test found.";
    String expected = "TLS handshake with other.test:1 failed: the server's certificate is not for this host name or"
        + " address (" + words + ")";
    assertThat(TlsFailures.client(handshake(words, new CertificateException(words)), "other.test:1", t, false))
        .as("JDK 17").isEqualTo(expected);
    assertThat(TlsFailures.client(handshake("(certificate_unknown) " + words, new CertificateException(words)),
        "other.test:1", t, false)).as("JDK 25").isEqualTo(expected);
    assertThat(TlsFailures.server(new SSLHandshakeException("(handshake_failure) No appropriate protocol")))
        .isEqualTo("no TLS version or cipher in common (No appropriate protocol)");
  }

  @Test
  void theClientNamesTheServersSide() {
    Duration t = Duration.ofSeconds(5);
    assertThat(TlsFailures.client(new SocketTimeoutException("Read timed out"), "h:1", t, false))
        .isEqualTo("TLS handshake with h:1 failed: no answer from the server within 5000 ms");
    assertThat(TlsFailures.client(handshake("x", new CertificateExpiredException("NotAfter")), "h:1", t, false))
        .isEqualTo("TLS handshake with h:1 failed: the server's certificate has expired");
    assertThat(TlsFailures.client(new SSLHandshakeException("Received fatal alert: protocol_version"), "h:1", t, false))
        .isEqualTo("TLS handshake with h:1 failed: no TLS version or cipher in common with the server"
            + " (Received fatal alert: protocol_version)");
    assertThat(TlsFailures.client(new SSLHandshakeException("Remote host terminated the handshake"), "h:1", t, false))
        .isEqualTo("TLS handshake with h:1 failed: the server closed the connection during the handshake");
    assertThat(TlsFailures.client(new SSLHandshakeException("Received fatal alert: certificate_unknown"), "h:1", t, true))
        .isEqualTo("TLS handshake with h:1 failed: the server refused the client certificate (alert certificate_unknown)");
  }
}
