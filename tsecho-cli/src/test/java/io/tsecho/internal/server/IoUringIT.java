package io.tsecho.internal.server;

import static io.tsecho.testing.Replies.payload;
import static io.tsecho.testing.Replies.readLine;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.Transport;
import io.tsecho.internal.cli.ExitCodes;
import io.tsecho.testing.Processes;
import io.tsecho.testing.TestServer;
import io.tsecho.testing.TsechoProcess;
import io.tsecho.testing.TsechoProcess.Result;
import java.io.InputStream;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The opt-in io_uring transport. Kernels and container sandboxes often forbid io_uring: where Netty
 * cannot load it, serving is skipped with Netty's reason. The refusal is checked everywhere.
 */
class IoUringIT {

  @Test
  void ioUringServesPipelinedLines() throws Exception {
    TestServer.assumeAvailable(Transport.IO_URING);
    try (TestServer server = TestServer.start(Transport.IO_URING); Socket s = server.connect()) {
      assertThat(server.server().transportName()).isEqualTo("io_uring");
      s.getOutputStream().write("one\ntwo\0\377\n".getBytes(ISO_8859_1));
      InputStream in = s.getInputStream();
      assertThat(payload(readLine(in))).isEqualTo("one\n");
      assertThat(payload(readLine(in))).isEqualTo("two\0\377\n");
    }
  }

  /** Netty's switch for native transports stands in for a kernel or sandbox that forbids io_uring. */
  @Test
  void whereIoUringCannotLoadServeSaysWhyInOneLine() throws Exception {
    Result r = Processes.run(TsechoProcess.command(List.of("-Dio.netty.transport.noNative=true"),
        "serve", "--transport", "io_uring", "--host", "127.0.0.1", "--port", "0"), new byte[0], 60);
    assertThat(r.stderr()).isEqualTo("tsecho: the io_uring transport is not available here: "
        + "java.lang.UnsupportedOperationException: Native transport was explicit disabled with -Dio.netty.transport.noNative=true\n");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.ERROR);
  }
}
