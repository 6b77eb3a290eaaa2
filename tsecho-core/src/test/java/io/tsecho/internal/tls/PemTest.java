package io.tsecho.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM files as OpenSSL and people leave them, good and bad; every bad one is one line naming the option and file. */
class PemTest {
  @TempDir Path dir;

  private Path file(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private static String block(String label, byte[] body) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(body) + "\n-----END " + label + "-----\n";
  }

  @Test
  void aChainIsReadInTheOrderWrittenWithTextAroundTheBlocksIgnored() throws Exception {
    TestPki.Ca ca = TestPki.ca("Chain Root", dir);
    TestPki.Issued leaf = ca.issue("server.test");
    Path chain = file("chain.pem", "subject=CN = server.test\nissuer=CN = Chain Root\n" + Pem.encode(leaf.certificate())
        + "\r\nBag Attributes: <none>\r\n" + Pem.encode(ca.certificate()).replace("\n", "\r\n"));

    List<X509Certificate> read = Pem.certificates(chain, "--tls-cert");

    assertThat(read).containsExactly(leaf.certificate(), ca.certificate());
  }

  @Test
  void pkcs8KeysOfEachKindReadBackAsWritten() throws Exception {
    for (String algorithm : new String[] {"EC", "RSA"}) {
      KeyPair pair = TestPki.keyPair(algorithm);
      Path key = file(algorithm + ".key", Pem.encode(pair.getPrivate()));
      assertThat(Pem.privateKey(key, "--tls-key")).isEqualTo(pair.getPrivate());
    }
  }

  @Test
  void aKeyMayShareItsFileWithTheCertificate() throws Exception {
    TestPki.Issued leaf = TestPki.ca("Root", dir).issue("both");
    Path both = file("both.pem", Pem.encode(leaf.certificate()) + Pem.encode(leaf.key()));
    assertThat(Pem.privateKey(both, "--tls-key")).isEqualTo(leaf.key());
    assertThat(Pem.certificates(both, "--tls-cert")).containsExactly(leaf.certificate());
  }

  @Test
  void encodingWritesLinesOf64CharactersBetweenTheMarkers() {
    String pem = Pem.encode("PRIVATE KEY", new byte[100]); // 136 base64 characters
    assertThat(pem).isEqualTo("-----BEGIN PRIVATE KEY-----\n" + "A".repeat(64) + "\n" + "A".repeat(64) + "\n"
        + "AAAAAA==\n-----END PRIVATE KEY-----\n");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("nowhere.pem");
    assertThatThrownBy(() -> Pem.certificates(missing, "--tls-cert"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tls-cert " + missing + ": no such file");
  }

  @Test
  void aDirectoryIsNotAFile() {
    assertThatThrownBy(() -> Pem.privateKey(dir, "--tls-key"))
        .hasMessage("--tls-key " + dir + " is a directory, not a PEM file");
  }

  @Test
  void aFileWithoutPemBlocksIsNotPem() throws Exception {
    Path der = Files.write(dir.resolve("cert.der"), TestPki.ca("Root", dir).certificate().getEncoded());
    assertThatThrownBy(() -> Pem.certificates(der, "--tls-client-ca"))
        .hasMessage("--tls-client-ca " + der + " is not a PEM file (no -----BEGIN ...----- block)");
  }

  @Test
  void aCaFileWithoutCertificatesSaysSo() throws Exception {
    Path keyOnly = file("key.pem", Pem.encode(TestPki.keyPair("EC").getPrivate()));
    assertThatThrownBy(() -> Pem.certificates(keyOnly, "--tls-client-ca"))
        .hasMessage("--tls-client-ca " + keyOnly + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }

  @Test
  void aCorruptCertificateIsNamedByItsPlaceInTheFile() throws Exception {
    TestPki.Ca ca = TestPki.ca("Root", dir);
    Path broken = file("broken.pem", Pem.encode(ca.certificate()) + block("CERTIFICATE", new byte[] {0x30, 0x03, 1, 2, 3}));
    assertThatThrownBy(() -> Pem.certificates(broken, "--tls-cert"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--tls-cert " + broken + ": certificate 2 cannot be read (")
        .hasMessageNotContaining("\n");
  }

  @Test
  void keysInTheOlderFormsAreRefusedWithTheCommandThatConvertsThem() throws Exception {
    Path rsa = file("rsa.pem", block("RSA PRIVATE KEY", new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> Pem.privateKey(rsa, "--tls-key")).hasMessage("--tls-key " + rsa
        + " holds a key in the older RSA PRIVATE KEY form; tsecho reads PKCS#8 (BEGIN PRIVATE KEY): convert it with"
        + " openssl pkcs8 -topk8 -nocrypt -in " + rsa + " -out key.pem");
    Path ec = file("ec.pem", block("EC PARAMETERS", new byte[] {6, 1, 0}) + block("EC PRIVATE KEY", new byte[] {1}));
    assertThatThrownBy(() -> Pem.privateKey(ec, "--tls-key")).hasMessageContaining("older EC PRIVATE KEY form");
    Path encrypted = file("enc.pem", block("ENCRYPTED PRIVATE KEY", new byte[] {1}));
    assertThatThrownBy(() -> Pem.privateKey(encrypted, "--tls-key")).hasMessage("--tls-key " + encrypted
        + " holds an encrypted key; tsecho reads unencrypted ones: decrypt it with openssl pkcs8 -in " + encrypted
        + " -out key.pem");
  }

  @Test
  void aKeyFileWithoutAKeyOrWithTwoOrWithGarbageIsRefused() throws Exception {
    Path certOnly = TestPki.ca("Root", dir).file();
    assertThatThrownBy(() -> Pem.privateKey(certOnly, "--tls-key"))
        .hasMessage("--tls-key " + certOnly + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    String one = Pem.encode(TestPki.keyPair("EC").getPrivate());
    Path two = file("two.pem", one + one);
    assertThatThrownBy(() -> Pem.privateKey(two, "--tls-key")).hasMessage("--tls-key " + two + " holds 2 private keys; give one");
    Path garbage = file("garbage.pem", block("PRIVATE KEY", "not a key".getBytes()));
    assertThatThrownBy(() -> Pem.privateKey(garbage, "--tls-key"))
        .hasMessage("--tls-key " + garbage + ": the private key cannot be read as an RSA, EC or EdDSA key");
  }
}
