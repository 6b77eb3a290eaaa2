package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SourceCountsTest {
  private static InetAddress ip(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  @Test
  void eachSourceGetsUpToTheLimitAndAReleaseMakesRoomForOneMore() throws Exception {
    SourceCounts counts = new SourceCounts(2);
    assertThat(counts.tryAcquire(ip("10.0.0.1"))).isTrue();
    assertThat(counts.tryAcquire(ip("10.0.0.1"))).isTrue();
    assertThat(counts.tryAcquire(ip("10.0.0.1"))).as("a third from the same address").isFalse();
    assertThat(counts.tryAcquire(ip("10.0.0.2"))).as("another address has its own count").isTrue();
    assertThat(counts.sources()).isEqualTo(2);

    counts.release(ip("10.0.0.1"));
    assertThat(counts.tryAcquire(ip("10.0.0.1"))).isTrue();
    assertThat(counts.tryAcquire(ip("10.0.0.1"))).isFalse();
  }

  @Test
  void aSourceIsForgottenWhenItsLastConnectionCloses() throws Exception {
    SourceCounts counts = new SourceCounts(3);
    counts.tryAcquire(ip("10.0.0.1"));
    counts.tryAcquire(ip("10.0.0.1"));
    counts.tryAcquire(ip("2001:db8::1"));
    counts.release(ip("10.0.0.1"));
    assertThat(counts.sources()).as("one of two connections left").isEqualTo(2);
    counts.release(ip("10.0.0.1"));
    assertThat(counts.sources()).isEqualTo(1);
    counts.release(ip("2001:db8::1"));
    assertThat(counts.sources()).isZero();
    counts.release(ip("10.0.0.1"));
    assertThat(counts.sources()).as("a release without a connection changes nothing").isZero();
  }

  @Test
  void anIpv6SourceIsItsSlash64() throws Exception {
    SourceCounts counts = new SourceCounts(2);
    assertThat(counts.tryAcquire(ip("2001:db8:0:1::1"))).isTrue();
    assertThat(counts.tryAcquire(ip("2001:db8:0:1:ffff:ffff:ffff:ffff"))).isTrue();
    assertThat(counts.tryAcquire(ip("2001:db8:0:1::2"))).as("the same /64").isFalse();
    assertThat(counts.tryAcquire(ip("2001:db8:0:2::1"))).as("the next /64").isTrue();
    assertThat(counts.tryAcquire(ip("2001:db9:0:1::1"))).as("another /32").isTrue();
    assertThat(counts.sources()).isEqualTo(3);
  }

  @Test
  void anIpv4AddressAndAnIpv6AddressWithTheSameBitsAreDifferentSources() throws Exception {
    SourceCounts counts = new SourceCounts(1);
    assertThat(counts.tryAcquire(ip("0.0.0.0"))).isTrue();
    assertThat(counts.tryAcquire(ip("::1"))).as("its /64 is all zeros too").isTrue();
    assertThat(counts.sources()).isEqualTo(2);
  }

  @Test
  void withoutALimitEveryConnectionIsCounted() throws Exception {
    SourceCounts counts = new SourceCounts(0);
    for (int i = 0; i < 100; i++) {
      assertThat(counts.tryAcquire(ip("10.0.0.1"))).isTrue();
    }
    for (int i = 0; i < 99; i++) {
      counts.release(ip("10.0.0.1"));
    }
    assertThat(counts.sources()).isEqualTo(1);
    counts.release(ip("10.0.0.1"));
    assertThat(counts.sources()).isZero();
  }
}
