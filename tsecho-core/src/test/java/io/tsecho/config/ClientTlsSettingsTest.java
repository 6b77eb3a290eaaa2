package io.tsecho.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClientTlsSettingsTest {
  @Test
  void insecureAndACaContradictEachOther() {
    assertThatThrownBy(() -> new ClientTlsSettings(Path.of("ca.pem"), true, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tls-insecure trusts any certificate; leave out --tls-ca, or --tls-insecure");
  }

  @Test
  void aClientCertificateNeedsItsKeyAndTheKeyItsCertificate() {
    assertThatThrownBy(() -> new ClientTlsSettings(null, false, Path.of("me.crt"), null))
        .hasMessage("a client certificate needs both --tls-cert and --tls-key");
    assertThatThrownBy(() -> new ClientTlsSettings(null, false, null, Path.of("me.key")))
        .hasMessage("a client certificate needs both --tls-cert and --tls-key");
  }

  @Test
  void theDefaultsTrustTheJdksCasAndShowNoCertificate() {
    assertThat(ClientTlsSettings.DEFAULTS).isEqualTo(new ClientTlsSettings(null, false, null, null));
  }
}
