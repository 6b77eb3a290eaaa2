package io.tsecho.server;

import static io.tsecho.testing.Replies.payload;
import static io.tsecho.testing.Replies.readLine;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.uring.IoUring;
import io.tsecho.config.Transport;
import io.tsecho.testing.TestServer;
import java.io.InputStream;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The opt-in io_uring transport. Kernels and container sandboxes often forbid io_uring: where Netty
 * cannot load it, serving is skipped with Netty's reason, and the refusal is checked instead.
 */
class IoUringIT {

  @Test
  void ioUringServesPipelinedLines() throws Exception {
    Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: " + IoUring.unavailabilityCause());
    try (TestServer server = TestServer.start(Transport.IO_URING); Socket s = server.connect()) {
      assertThat(server.server().transportName()).isEqualTo("io_uring");
      s.getOutputStream().write("one\ntwo\0\377\n".getBytes(ISO_8859_1));
      InputStream in = s.getInputStream();
      assertThat(payload(readLine(in))).isEqualTo("one\n");
      assertThat(payload(readLine(in))).isEqualTo("two\0\377\n");
    }
  }

  @Test
  void whereIoUringCannotLoadTheServerRefusesWithNettysReason() {
    Assumptions.assumeFalse(IoUring.isAvailable(), "io_uring is available here, so there is no refusal to check");
    assertThatThrownBy(() -> TestServer.start(Transport.IO_URING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("the io_uring transport is not available here: ");
  }
}
