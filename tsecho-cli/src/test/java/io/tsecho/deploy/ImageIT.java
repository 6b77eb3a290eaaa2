package io.tsecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tsecho.testing.Processes;
import io.tsecho.testing.TsechoProcess;
import io.tsecho.testing.TsechoProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The OCI image is self-contained: its layers, unpacked into a folder, run tsecho serve under chroot
 * as the image's user, with nothing from the host, and it answers over loopback. chroot and a
 * private /proc need root: elsewhere the test is skipped, unless TSECHO_REQUIRE_PEERS=1.
 */
class ImageIT {
  private static final Pattern ADMIN = Pattern.compile("admin on http://127\\.0\\.0\\.1:(\\d+) ");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @Test
  void declaresItsEntryPointPortsUserAndLabels() throws Exception {
    JsonNode config = config(unpackImage());
    assertThat(strings(config.get("Entrypoint"))).startsWith("/opt/tsecho/runtime/bin/java")
        .endsWith("io.tsecho.Main", "serve");
    assertThat(strings(config.get("Cmd"))).containsExactly("--udp", "--admin", "*:9090");
    assertThat(config.get("ExposedPorts").propertyNames()).containsExactlyInAnyOrder("21566/tcp", "21566/udp", "9090/tcp");
    assertThat(config.get("User").asString()).isEqualTo("65532:65532");
    assertThat(config.get("Labels").propertyNames()).contains("org.opencontainers.image.title",
        "org.opencontainers.image.version", "org.opencontainers.image.created", "org.opencontainers.image.description");
  }

  @Test
  void servesFromItsOwnLayersAlone() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    assumeTrue(root || "1".equals(System.getenv("TSECHO_REQUIRE_PEERS")),
        "chroot into the image's layers needs root");
    Path image = unpackImage();
    JsonNode config = config(image);
    Path rootfs = Files.createDirectory(work.resolve("rootfs"));
    for (JsonNode layer : manifest(image).get("Layers")) {
      untar(image.resolve(layer.asString()), rootfs, "-xzf");
    }
    // What a container runtime provides: an empty /proc to mount (the launcher finds its libraries
    // through /proc/self/exe).
    Files.createDirectories(rootfs.resolve("proc"));

    List<String> command = new ArrayList<>(List.of("env", "TSECHO_JAVA_OPTS=" + TsechoProcess.PARANOID_LEAK_DETECTION,
        "unshare", "--mount", "--mount-proc=" + rootfs.resolve("proc"),
        "chroot", "--userspec=" + config.get("User").asString(), rootfs.toString()));
    command.addAll(strings(config.get("Entrypoint")));
    command.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--udp", "--admin", "127.0.0.1:0"));
    try (TsechoProcess server = TsechoProcess.start(command)) {
      assertThat(server.stderr()).contains("transport epoll");
      int adminPort = Integer.parseInt(server.awaitStderr(ADMIN).group(1));
      ServedExchanges.assertStampsTcp(server.port());
      ServedExchanges.assertStampsUdp(server.port("stamp/udp"));
      ServedExchanges.assertReady(adminPort);
      assertThat(server.terminate()).isZero();
    }
  }

  private Path unpackImage() throws Exception {
    Path image = Files.createDirectory(work.resolve("image"));
    untar(Release.image(), image, "-xf");
    return image;
  }

  private static JsonNode manifest(Path image) throws Exception {
    JsonNode manifest = JSON.readTree(image.resolve("manifest.json").toFile());
    assertThat(manifest.size()).isEqualTo(1);
    return manifest.get(0);
  }

  private static JsonNode config(Path image) throws Exception {
    return JSON.readTree(image.resolve(manifest(image).get("Config").asString()).toFile()).get("config");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(node -> out.add(node.asString()));
    return out;
  }

  private static void untar(Path archive, Path into, String mode) throws Exception {
    // Jib writes libarchive's creation times, which GNU tar does not know and need not.
    Result untar = Processes.run(List.of("tar", "--warning=no-unknown-keyword", mode, archive.toString(),
        "-C", into.toString()), new byte[0], 120);
    assertThat(untar.exitCode()).as(untar.stderr()).isZero();
  }
}
