package io.tsecho.internal.net;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class SocketTraceTest {

  private static String render(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return SocketTrace.bytes(bytes, 0, bytes.length);
  }

  @Test
  void everyByteValueIsShownAsItselfOrEscaped() {
    int printable = 0;
    int quoted = 0;
    int named = 0;
    int hex = 0;
    for (int b = 0; b < 256; b++) {
      String shown = render(b);
      if (b == '"' || b == '\\') {
        assertThat(shown).isEqualTo("1 byte \"\\" + (char) b + "\"");
        quoted++;
      } else if (b == '\n' || b == '\r' || b == '\t') {
        assertThat(shown).isEqualTo(b == '\n' ? "1 byte \"\\n\"" : b == '\r' ? "1 byte \"\\r\"" : "1 byte \"\\t\"");
        named++;
      } else if (b >= ' ' && b <= '~') {
        assertThat(shown).isEqualTo("1 byte \"" + (char) b + "\"");
        printable++;
      } else {
        assertThat(shown).isEqualTo("1 byte \"\\x" + String.format(Locale.ROOT, "%02x", b) + "\"");
        hex++;
      }
    }
    assertThat(printable).isEqualTo(93);
    assertThat(quoted).isEqualTo(2);
    assertThat(named).isEqualTo(3);
    assertThat(hex).isEqualTo(158);
  }

  @Test
  void theEdgesOfThePrintableRangeAndTheHighBytes() {
    assertThat(render(0x00, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff)).isEqualTo("7 bytes \"\\x00\\x1f ~\\x7f\\x80\\xff\"");
    assertThat(render(0xc3, 0xa9)).as("UTF-8 is not decoded: the bytes are shown").isEqualTo("2 bytes \"\\xc3\\xa9\"");
  }

  @Test
  void everyRenderingIsPrintableAsciiAndReadsBackToTheSameBytes() {
    byte[] all = new byte[256];
    for (int b = 0; b < 256; b++) {
      all[b] = (byte) b;
    }
    for (int from = 0; from < 256; from += SocketTrace.SHOWN_BYTES) {
      String shown = SocketTrace.bytes(all, from, SocketTrace.SHOWN_BYTES);
      assertThat(shown).startsWith("64 bytes \"").endsWith("\"").matches("[\\x20-\\x7e]*");
      byte[] back = unescape(shown.substring("64 bytes \"".length(), shown.length() - 1));
      assertThat(back).isEqualTo(Arrays.copyOfRange(all, from, from + SocketTrace.SHOWN_BYTES));
    }
  }

  /** The reading a person does: C's escapes back to bytes. */
  private static byte[] unescape(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.write(c);
        continue;
      }
      char e = text.charAt(++i);
      switch (e) {
        case 'n': out.write('\n'); break;
        case 'r': out.write('\r'); break;
        case 't': out.write('\t'); break;
        case '"': out.write('"'); break;
        case '\\': out.write('\\'); break;
        case 'x':
          out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
          i += 2;
          break;
        default: throw new AssertionError("unknown escape \\" + e + " in " + text);
      }
    }
    return out.toByteArray();
  }

  @Test
  void aLongPayloadIsCutAfterSixtyFourBytesWithTheCountLeftOut() {
    assertThat(SocketTrace.bytes(line('a', 64), 0, 64)).isEqualTo("64 bytes \"" + "a".repeat(64) + "\"");
    assertThat(SocketTrace.bytes(line('a', 65), 0, 65)).isEqualTo("65 bytes \"" + "a".repeat(64) + "\"... (1 more)");
    assertThat(SocketTrace.bytes(line('a', 1000), 0, 1000))
        .isEqualTo("1000 bytes \"" + "a".repeat(64) + "\"... (936 more)");
  }

  @Test
  void theCutCountsBytesNotTheCharactersTheirEscapesTake() {
    byte[] zeros = new byte[100];
    assertThat(SocketTrace.bytes(zeros, 0, 100)).isEqualTo("100 bytes \"" + "\\x00".repeat(64) + "\"... (36 more)");
  }

  @Test
  void nothingAndOneByte() {
    assertThat(SocketTrace.bytes(new byte[0], 0, 0)).isEqualTo("0 bytes \"\"");
    assertThat(render('x')).isEqualTo("1 byte \"x\"");
  }

  @Test
  void aBufferShowsItsReadableBytesAndIsLeftAsItWas() {
    ByteBuf buf = Unpooled.copiedBuffer("skip|hello\n", ISO_8859_1);
    try {
      buf.readerIndex(5);
      assertThat(SocketTrace.recv(buf)).isEqualTo("recv() -> 6 bytes \"hello\\n\"");
      assertThat(buf.readerIndex()).isEqualTo(5);
      assertThat(buf.writerIndex()).isEqualTo(11);
    } finally {
      buf.release();
    }
  }

  @Test
  void anArraySliceShowsOnlyItsOwnBytes() {
    byte[] data = "xxGET / HTTP/1.1\r\nyy".getBytes(ISO_8859_1);
    assertThat(SocketTrace.send(data, 2, 16)).isEqualTo("send(16 bytes \"GET / HTTP/1.1\\r\\n\")");
    assertThat(SocketTrace.recv(data, 2, 3)).isEqualTo("recv() -> 3 bytes \"GET\"");
  }

  @Test
  void theCallsInTheWordsOfTheSocketApi() throws IOException {
    InetSocketAddress v4 = new InetSocketAddress("127.0.0.1", 21566);
    InetSocketAddress v6 = new InetSocketAddress("::1", 21566);
    InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 51234);
    assertThat(SocketTrace.socket(v4, true)).isEqualTo("socket(AF_INET, SOCK_STREAM)");
    assertThat(SocketTrace.socket(v6, false)).isEqualTo("socket(AF_INET6, SOCK_DGRAM)");
    assertThat(SocketTrace.socket(new InetSocketAddress("::", 21566), true))
        .as("every address, dual stack").isEqualTo("socket(AF_INET6, SOCK_STREAM)");
    assertThat(SocketTrace.bind(v6)).isEqualTo("bind([::1]:21566)");
    assertThat(SocketTrace.listen(5)).isEqualTo("listen(5)");
    assertThat(SocketTrace.accept(peer)).isEqualTo("accept() -> 127.0.0.1:51234");
    assertThat(SocketTrace.connect(v4)).isEqualTo("connect(127.0.0.1:21566)");
    assertThat(SocketTrace.recvEnd()).isEqualTo("recv() -> 0 bytes (end of stream)");
    assertThat(SocketTrace.shutdownWrite()).isEqualTo("shutdown(SHUT_WR)");
    assertThat(SocketTrace.close()).isEqualTo("close()");
    assertThat(SocketTrace.error(new IOException("Connection reset by peer")))
        .isEqualTo("error: Connection reset by peer");
    assertThat(SocketTrace.error(new IOException())).isEqualTo("error: IOException");
    assertThat(SocketTrace.line(SocketTrace.name(peer), SocketTrace.close())).isEqualTo("[127.0.0.1:51234] close()");
  }

  @Test
  void datagramsNameTheirPeer() {
    InetSocketAddress peer = new InetSocketAddress("::1", 40000);
    byte[] hi = "hi\n".getBytes(ISO_8859_1);
    ByteBuf buf = Unpooled.wrappedBuffer(hi);
    assertThat(SocketTrace.recvfrom(buf, peer)).isEqualTo("recvfrom() -> 3 bytes \"hi\\n\" from [::1]:40000");
    assertThat(SocketTrace.sendto(buf, peer)).isEqualTo("sendto(3 bytes \"hi\\n\", [::1]:40000)");
    assertThat(SocketTrace.recvfrom(hi, 0, 2, peer)).isEqualTo("recvfrom() -> 2 bytes \"hi\" from [::1]:40000");
    assertThat(SocketTrace.sendto(hi, 2, 1, peer)).isEqualTo("sendto(1 byte \"\\n\", [::1]:40000)");
  }

  private static byte[] line(char c, int n) {
    byte[] bytes = new byte[n];
    Arrays.fill(bytes, (byte) c);
    return bytes;
  }
}
