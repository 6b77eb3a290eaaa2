package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void aBucketHoldsOneSecondOfTokensAndRefillsAtTheRate() {
    TokenBuckets buckets = new TokenBuckets(1, 10, now::get, 0, 128);
    for (int i = 0; i < 10; i++) {
      assertThat(buckets.tryAcquire(0)).as("token %d", i).isTrue();
    }
    assertThat(buckets.tryAcquire(0)).isFalse();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(99));
    assertThat(buckets.tryAcquire(0)).isFalse();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    assertThat(buckets.tryAcquire(0)).isTrue();
    assertThat(buckets.tryAcquire(0)).isFalse();
    now.addAndGet(TimeUnit.SECONDS.toNanos(60));
    int burst = 0;
    while (buckets.tryAcquire(0)) {
      burst++;
    }
    assertThat(burst).as("idle time never saves more than one second's worth").isEqualTo(10);
  }

  @Test
  void sourcesHaveTheirOwnBuckets() throws Exception {
    TokenBuckets buckets = new TokenBuckets(16_384, 2, now::get, 12345, 64);
    InetAddress a = InetAddress.getByName("127.0.0.1");
    InetAddress b = InetAddress.getByName("127.0.0.2");
    assertThat(buckets.slot(a)).isNotEqualTo(buckets.slot(b));
    assertThat(buckets.tryAcquire(a)).isTrue();
    assertThat(buckets.tryAcquire(a)).isTrue();
    assertThat(buckets.tryAcquire(a)).isFalse();
    assertThat(buckets.tryAcquire(b)).isTrue();
  }

  @Test
  void theTableSizeIsAPowerOfTwoAndSlotsStayInside() throws Exception {
    TokenBuckets buckets = new TokenBuckets(1000, 1, now::get, 7, 64);
    for (int i = 0; i < 256; i++) {
      assertThat(buckets.slot(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i}))).isBetween(0, 1023);
    }
  }
}
