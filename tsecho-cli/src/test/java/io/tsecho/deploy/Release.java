package io.tsecho.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * What {@code ./mvnw -Pdist package} built: the tarball, the image and the runtime's modules. Out of
 * the dist profile the tests that need them are skipped, saying how to run them; in it, a missing
 * one fails.
 */
final class Release {
  private Release() {}

  static Path tarball() {
    return artifact("tsecho.dist.tarball");
  }

  static Path image() {
    return artifact("tsecho.dist.image");
  }

  /** The modules the runtime was linked with, from the pom's dist.modules. */
  static List<String> modules() {
    return List.of(System.getProperty("tsecho.dist.modules").split(","));
  }

  private static Path artifact(String property) {
    assumeTrue(Boolean.getBoolean("tsecho.dist.built"),
        "the release is built in the dist profile only: ./mvnw -Pdist verify");
    Path path = Paths.get(System.getProperty(property));
    if (!Files.isRegularFile(path)) {
      throw new AssertionError("the dist profile should have built " + path);
    }
    return path;
  }
}
