package io.tsecho.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoggedServerTest {
  @Test
  void warningsErrorsLeaksAndStackTracesAreTroubleInTextAndJson() {
    String stderr = String.join("\n",
        "2026-11-25T17:44:49.477Z INFO  trace - [stamp/tcp/[::]:21566] listen(4096)",
        "tsecho: listening on stamp/tcp/[::]:21566 (framing auto)",
        "2026-11-25T17:44:49.477Z WARN  udp - 3 udp socket errors",
        "{\"timestamp\":1,\"level\":\"INFO\",\"loggerName\":\"io.tsecho.trace\",\"formattedMessage\":\"WARN\"}",
        "{\"timestamp\":1,\"level\":\"ERROR\",\"loggerName\":\"io.netty\",\"formattedMessage\":\"x\"}",
        "2026-11-25T17:44:49.477Z ERROR ResourceLeakDetector - LEAK: ByteBuf.release() was not called",
        "\tat io.tsecho.server.StampHandler.onRead(StampHandler.java:1)",
        "2026-11-25T17:44:49.477Z WARN  MacAddressUtil - Failed to find a usable hardware address from the network"
            + " interfaces; using random bytes: 01:02");
    assertThat(LoggedServer.trouble(stderr)).containsExactly(
        "2026-11-25T17:44:49.477Z WARN  udp - 3 udp socket errors",
        "{\"timestamp\":1,\"level\":\"ERROR\",\"loggerName\":\"io.netty\",\"formattedMessage\":\"x\"}",
        "2026-11-25T17:44:49.477Z ERROR ResourceLeakDetector - LEAK: ByteBuf.release() was not called",
        "\tat io.tsecho.server.StampHandler.onRead(StampHandler.java:1)");
  }
}
