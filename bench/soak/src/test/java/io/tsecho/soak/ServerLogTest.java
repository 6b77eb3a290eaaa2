package io.tsecho.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLogTest {
  @Test
  void closesAreCountedByReasonAndWarningsAndLeaksAreCaught(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("server.log");
    Files.writeString(log, String.join("\n",
        "tsecho: listening on stamp/tcp/127.0.0.1:32829 (framing line, time format ctime, transport epoll, 2 event loops)",
        "2026-11-25T15:35:09.001Z INFO  connections - closed stamp/tcp peer=127.0.0.1:1 local=127.0.0.1:2 in=65B out=92B"
            + " messages=1 duration=3ms reason=peer closed",
        "2026-11-25T15:35:09.002Z INFO  connections - closed stamp/tcp peer=127.0.0.1:3 local=127.0.0.1:2 in=65B out=92B"
            + " messages=1 duration=60001ms reason=idle timeout",
        "2026-11-25T15:35:09.003Z INFO  connections - closed stamp/tcp peer=127.0.0.1:4 local=127.0.0.1:2 in=65B out=92B"
            + " messages=1 duration=4ms reason=peer closed",
        "2026-11-25T15:35:10.000Z WARN  connections - unexpected error on 127.0.0.1:5: java.lang.IllegalStateException",
        "2026-11-25T15:35:11.000Z ERROR ResourceLeakDetector - LEAK: ByteBuf.release() was not called before it's garbage-collected.",
        ""));
    ServerLog read = ServerLog.read(log);
    assertThat(read.closeReasons()).isEqualTo(Map.of("peer closed", 2L, "idle timeout", 1L));
    assertThat(read.warnings()).isEqualTo(2);
    assertThat(read.leaks()).isEqualTo(1);
    assertThat(read.examples()).hasSize(2);
  }
}
