package io.tsecho.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.tsecho.config.ClientTlsSettings;
import io.tsecho.testing.TestPki;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the client side reads and sets up, without a server. */
class TlsClientsTest {
  @TempDir Path dir;

  @Test
  void aMissingCaFileIsOneLine() {
    Path missing = dir.resolve("ca.pem");
    assertThatThrownBy(() -> TlsClients.of(new ClientTlsSettings(missing, false, null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tls-ca " + missing + ": no such file");
  }

  @Test
  void aClientKeyThatIsNotTheCertificatesIsOneLine() throws Exception {
    TestPki.Ca ca = TestPki.ca("Root", dir);
    TestPki.Issued one = ca.issue("one");
    TestPki.Issued two = ca.issue("two");
    assertThatThrownBy(() -> TlsClients.of(new ClientTlsSettings(null, false, one.certificateFile(), two.keyFile())))
        .hasMessage("--tls-key " + two.keyFile() + " is not the key of the certificate in --tls-cert "
            + one.certificateFile() + " (CN=one)");
  }

  @Test
  void theNettyHandlerNamesTheServerAndChecksItsCertificateForThatName() throws Exception {
    TlsClients clients = TlsClients.of(new ClientTlsSettings(TestPki.ca("Root", dir).file(), false, null, null));
    SslHandler handler = clients.newHandler(ByteBufAllocator.DEFAULT, "[::1]", 21567);
    assertThat(handler.engine().getUseClientMode()).isTrue();
    assertThat(handler.engine().getPeerHost()).isEqualTo("::1");
    assertThat(handler.engine().getPeerPort()).isEqualTo(21567);
    assertThat(handler.engine().getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(handler.engine().getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
  }

  @Test
  void insecureChecksNoName() {
    TlsClients clients = TlsClients.of(new ClientTlsSettings(null, true, null, null));
    SslHandler handler = clients.newHandler(ByteBufAllocator.DEFAULT, "example.test", 21567);
    assertThat(handler.engine().getSSLParameters().getEndpointIdentificationAlgorithm()).isNull();
  }

  @Test
  void targetsPutIpv6AddressesInBrackets() {
    assertThat(TlsFailures.target("::1", 21567)).isEqualTo("[::1]:21567");
    assertThat(TlsFailures.target("[::1]", 21567)).isEqualTo("[::1]:21567");
    assertThat(TlsFailures.target("localhost", 7)).isEqualTo("localhost:7");
  }
}
