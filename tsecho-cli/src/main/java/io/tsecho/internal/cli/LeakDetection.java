package io.tsecho.internal.cli;

import io.netty.util.ResourceLeakDetector;
import java.util.List;

/** Netty's buffer leak detector, for the commands that carry load: {@code serve} and {@code bench}. */
final class LeakDetection {
  /** Netty's property for the level, under its name and its older one, which Netty still reads. */
  static final List<String> LEVEL_PROPERTIES = List.of("io.netty.leakDetection.level", "io.netty.leakDetectionLevel");

  private LeakDetection() {}

  /**
   * Turns the detector off unless a level was asked for. Netty samples one buffer in 128: each
   * sample costs a stack walk, and the wrapped buffers make every buffer call polymorphic, 5-8 % of
   * the server's throughput. The build's tests run at paranoid, where a leaked buffer fails them.
   */
  static void offUnlessAsked() {
    if (LEVEL_PROPERTIES.stream().allMatch(name -> System.getProperty(name) == null)) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }
}
