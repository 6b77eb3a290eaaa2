package io.tsecho.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Netty reported a leaked buffer while it ran. Registered for every test
 * class through JUnit's extension auto-detection.
 */
public final class LeakCheckExtension implements AfterAllCallback {

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    // Leaks are found when a collected buffer is noticed at the next allocation: collect, then allocate.
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(20);
      for (ByteBufAllocator allocator : new ByteBufAllocator[] {
          PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT, ByteBufAllocator.DEFAULT}) {
        for (int i = 0; i < 50; i++) {
          allocator.directBuffer(16).release();
          allocator.heapBuffer(16).release();
        }
      }
    }
    assertThat(RecordingLeakDetector.drain()).as("Netty buffers leaked in " + context.getDisplayName()).isEmpty();
  }
}
