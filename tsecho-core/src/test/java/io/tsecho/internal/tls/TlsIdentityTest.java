package io.tsecho.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.testing.TestPki;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsIdentityTest {
  @TempDir Path dir;

  @Test
  void aChainAndItsKeyAreLoadedTogether() throws Exception {
    TestPki.Ca ca = TestPki.ca("Root", dir, "RSA");
    TestPki.Issued server = ca.issue("server.test");
    Path chain = TestPki.chain(server, ca, dir.resolve("chain.pem"));

    TlsIdentity identity = TlsIdentity.load(chain, "--tls-cert", server.keyFile(), "--tls-key");

    assertThat(identity.chain()).containsExactly(server.certificate(), ca.certificate());
    assertThat(identity.key()).isEqualTo(server.key());
    assertThat(identity.selfSigned()).isFalse();
    assertThat(TlsIdentity.subject(identity.certificate())).isEqualTo("CN=server.test");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
    TestPki.Ca ca = TestPki.ca("Root", dir);
    TestPki.Issued one = ca.issue("one");
    TestPki.Issued other = ca.issue("other");
    assertThatThrownBy(() -> TlsIdentity.load(one.certificateFile(), "--tls-cert", other.keyFile(), "--tls-key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tls-key " + other.keyFile() + " is not the key of the certificate in --tls-cert "
            + one.certificateFile() + " (CN=one)");
  }

  @Test
  void aKeyOfAnotherAlgorithmIsRefusedToo() throws Exception {
    TestPki.Ca ca = TestPki.ca("Root", dir);
    TestPki.Issued ec = ca.issue("ec");
    Path rsaKey = TestPki.write(dir.resolve("rsa.key"), Pem.encode(TestPki.keyPair("RSA").getPrivate()));
    assertThatThrownBy(() -> TlsIdentity.load(ec.certificateFile(), "--tls-cert", rsaKey, "--tls-key"))
        .hasMessageStartingWith("--tls-key " + rsaKey + " is not the key of the certificate");
  }

  @Test
  void keysMatchOnlyTheirOwnPublicKeys() throws Exception {
    var a = TestPki.keyPair("EC");
    var b = TestPki.keyPair("EC");
    assertThat(TlsIdentity.matches(a.getPrivate(), a.getPublic())).isTrue();
    assertThat(TlsIdentity.matches(a.getPrivate(), b.getPublic())).isFalse();
    var r = TestPki.keyPair("RSA");
    assertThat(TlsIdentity.matches(r.getPrivate(), r.getPublic())).isTrue();
    assertThat(TlsIdentity.matches(r.getPrivate(), a.getPublic())).isFalse();
  }
}
