package io.tsecho.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetector.Level;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The build runs at paranoid; each test puts the level and the properties back as they were. */
class LeakDetectionTest {
  private final Map<String, String> properties = new HashMap<>();
  private Level level;

  @BeforeEach
  void save() {
    level = ResourceLeakDetector.getLevel();
    LeakDetection.LEVEL_PROPERTIES.forEach(name -> properties.put(name, System.getProperty(name)));
    LeakDetection.LEVEL_PROPERTIES.forEach(System::clearProperty);
    ResourceLeakDetector.setLevel(Level.SIMPLE);
  }

  @AfterEach
  void restore() {
    properties.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
    ResourceLeakDetector.setLevel(level);
  }

  @Test
  void offWhenNoLevelWasAskedFor() {
    LeakDetection.offUnlessAsked();
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(Level.DISABLED);
  }

  @Test
  void leftAsAskedUnderEitherOfNettysNames() {
    for (String name : LeakDetection.LEVEL_PROPERTIES) {
      System.setProperty(name, "simple");
      LeakDetection.offUnlessAsked();
      assertThat(ResourceLeakDetector.getLevel()).as(name).isEqualTo(Level.SIMPLE);
      System.clearProperty(name);
    }
  }
}
