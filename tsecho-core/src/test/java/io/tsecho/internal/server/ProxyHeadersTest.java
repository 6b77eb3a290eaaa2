package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ProxyHeadersTest {
  private static String printable(byte[] bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    try {
      return ProxyHeaders.printable(buf);
    } finally {
      buf.release();
    }
  }

  @Test
  void bytesFromTheWireCannotBreakALogLine() {
    assertThat(printable("id-1\r\nWARN forged \"line\" \\".getBytes(ISO_8859_1)))
        .isEqualTo("id-1\\x0d\\x0aWARN forged \\x22line\\x22 \\x5c");
    assertThat(printable(new byte[] {0, (byte) 0xff, 0x7f})).isEqualTo("\\x00\\xff\\x7f");
  }

  @Test
  void longValuesAreCut() {
    assertThat(printable("a".repeat(128).getBytes(ISO_8859_1))).isEqualTo("a".repeat(128));
    assertThat(printable("a".repeat(129).getBytes(ISO_8859_1))).isEqualTo("a".repeat(128) + "...");
    assertThat(ProxyHeaders.printable("b".repeat(500))).isEqualTo("b".repeat(128) + "...");
    assertThat(ProxyHeaders.printable("\u00e9\u4e2d")).isEqualTo("\\xe9?");
  }
}
