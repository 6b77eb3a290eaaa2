package io.tsecho.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Which lines of a server's stderr fail the test that ran it. */
class TsechoProcessTest {
  private static final String STDERR = String.join("\n",
      "tsecho: listening on stamp/tcp/[::]:21566 (framing auto, time format ctime, transport epoll, 2 event loops)",
      "2026-11-25T15:36:18.325Z INFO  connections - closed stamp/tcp peer=127.0.0.1:60456 reason=peer closed",
      "2026-11-25T15:36:19.000Z WARN  TcpInitializer - 1 connections refused over the limit of 1 in the last 10 s",
      "2026-11-25T15:36:20.000Z ERROR ResourceLeakDetector - LEAK: ByteBuf.release() was not called",
      "Recent access records: ",
      "#1: io.netty.buffer.AdvancedLeakAwareByteBuf.writeBytes(AdvancedLeakAwareByteBuf.java:634) LEAK: again",
      "Exception in thread \"main\" java.lang.IllegalStateException: boom",
      "\tat io.tsecho.Main.main(Main.java:1)",
      "a WARNING: word inside a line is not a level",
      "{\"timestamp\":1,\"level\":\"INFO\",\"loggerName\":\"io.tsecho.trace\",\"formattedMessage\":\"WARN\"}",
      "{\"timestamp\":1,\"level\":\"ERROR\",\"loggerName\":\"io.netty\",\"formattedMessage\":\"x\"}",
      "2026-11-25T15:36:21.000Z WARN  MacAddressUtil - Failed to find a usable hardware address from the network interfaces");

  @Test
  void warningsErrorsLeaksAndCrashesAreUnexpectedUnlessDeclared() {
    assertThat(TsechoProcess.unexpectedLines(STDERR, List.of())).containsExactly(
        "2026-11-25T15:36:19.000Z WARN  TcpInitializer - 1 connections refused over the limit of 1 in the last 10 s",
        "2026-11-25T15:36:20.000Z ERROR ResourceLeakDetector - LEAK: ByteBuf.release() was not called",
        "#1: io.netty.buffer.AdvancedLeakAwareByteBuf.writeBytes(AdvancedLeakAwareByteBuf.java:634) LEAK: again",
        "Exception in thread \"main\" java.lang.IllegalStateException: boom",
        "\tat io.tsecho.Main.main(Main.java:1)",
        "{\"timestamp\":1,\"level\":\"ERROR\",\"loggerName\":\"io.netty\",\"formattedMessage\":\"x\"}",
        "2026-11-25T15:36:21.000Z WARN  MacAddressUtil - Failed to find a usable hardware address from the network interfaces");
  }

  @Test
  void aDeclaredPatternClearsOnlyTheLinesItMatches() {
    assertThat(TsechoProcess.unexpectedLines(STDERR, List.of(Pattern.compile("connections refused over the limit"),
        Pattern.compile("LEAK"), Pattern.compile("^Exception in thread"), Pattern.compile("^\tat "),
        Pattern.compile("\"level\":\"ERROR\""), Pattern.compile("MacAddressUtil")))).isEmpty();
    assertThat(TsechoProcess.unexpectedLines(STDERR, List.of(Pattern.compile("limit of 1 "), Pattern.compile("LEAK"),
        Pattern.compile("MacAddressUtil"), Pattern.compile("io.netty"))))
        .containsExactly("Exception in thread \"main\" java.lang.IllegalStateException: boom", "\tat io.tsecho.Main.main(Main.java:1)");
  }
}
