package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tsecho.internal.net.ProxyHeader;
import io.tsecho.internal.server.ProxyFraming.Frame;
import io.tsecho.internal.server.ProxyFraming.Verdict;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProxyFramingTest {
  private static final byte[] V1 = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n".getBytes(US_ASCII);

  private static Frame examine(byte[] bytes, int length) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes, 0, length);
    try {
      Frame frame = ProxyFraming.examine(in);
      assertThat(in.readerIndex()).isZero();
      return frame;
    } finally {
      in.release();
    }
  }

  private static Frame examine(byte[] bytes) {
    return examine(bytes, bytes.length);
  }

  @Test
  void nothingYetIsUndecided() {
    assertThat(examine(new byte[0]).verdict()).isEqualTo(Verdict.PARTIAL_SIGNATURE);
  }

  @Test
  void aV1HeaderIsDecidedOnlyAtItsCrlf() {
    for (int n = 1; n < 6; n++) {
      assertThat(examine(V1, n).verdict()).as("%d bytes of 'PROXY '", n).isEqualTo(Verdict.PARTIAL_SIGNATURE);
    }
    for (int n = 6; n < V1.length; n++) {
      assertThat(examine(V1, n).verdict()).as("%d bytes", n).isEqualTo(Verdict.PARTIAL_HEADER);
    }
    assertThat(examine(V1)).isEqualTo(new Frame(Verdict.V1, V1.length));
    assertThat(examine(WithData.of(V1, "hello\r\n"))).isEqualTo(new Frame(Verdict.V1, V1.length));
  }

  @Test
  void aV2HeaderIsDecidedOnlyOnceItsDeclaredLengthIsThere() {
    byte[] v2 = ProxyHeader.tcp(ProxyHeader.Version.V2, new InetSocketAddress("10.0.0.1", 1), new InetSocketAddress("10.0.0.2", 2));
    for (int n = 1; n < 12; n++) {
      assertThat(examine(v2, n).verdict()).as("%d bytes of the signature", n).isEqualTo(Verdict.PARTIAL_SIGNATURE);
    }
    for (int n = 12; n < v2.length; n++) {
      assertThat(examine(v2, n).verdict()).as("%d bytes", n).isEqualTo(Verdict.PARTIAL_HEADER);
    }
    assertThat(examine(v2)).isEqualTo(new Frame(Verdict.V2, 28));
    assertThat(examine(WithData.of(v2, "hello"))).isEqualTo(new Frame(Verdict.V2, 28));
  }

  @Test
  void aByteOffEitherSignatureSettlesItAsData() {
    assertThat(examine("hello".getBytes(US_ASCII)).verdict()).isEqualTo(Verdict.NOT_A_HEADER);
    assertThat(examine("PROXZ".getBytes(US_ASCII)).verdict()).isEqualTo(Verdict.NOT_A_HEADER);
    assertThat(examine("PROXY\r\n".getBytes(US_ASCII)).verdict()).as("no space after PROXY").isEqualTo(Verdict.NOT_A_HEADER);
    assertThat(examine("\r\n".getBytes(US_ASCII)).verdict()).as("an empty line may be a v2 start").isEqualTo(Verdict.PARTIAL_SIGNATURE);
    assertThat(examine("\r\n\r\nhi".getBytes(US_ASCII)).verdict()).isEqualTo(Verdict.NOT_A_HEADER);
  }

  @Test
  void v1MustEndWithin107Bytes() {
    byte[] longest = new byte[107];
    Arrays.fill(longest, (byte) 'x');
    System.arraycopy(ProxyHeader.V1_SIGNATURE, 0, longest, 0, 6);
    longest[105] = '\r';
    longest[106] = '\n';
    assertThat(examine(longest)).isEqualTo(new Frame(Verdict.V1, 107));

    byte[] tooLong = Arrays.copyOf(longest, 108);
    tooLong[105] = 'x';
    tooLong[106] = '\r';
    tooLong[107] = '\n';
    assertThat(examine(tooLong, 106).verdict()).isEqualTo(Verdict.PARTIAL_HEADER);
    assertThat(examine(tooLong, 107).verdict()).isEqualTo(Verdict.TOO_LONG);
    assertThat(examine(tooLong).verdict()).isEqualTo(Verdict.TOO_LONG);
  }

  @Test
  void v2IsRefusedOnItsDeclaredLengthBeforeTheRestArrives() {
    byte[] fixed = ByteBuffer.allocate(16).put(ProxyHeader.V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11)
        .putShort((short) (ProxyFraming.V2_MAX_LENGTH - 16 + 1)).array();
    assertThat(examine(fixed).verdict()).isEqualTo(Verdict.TOO_LONG);
    ByteBuffer.wrap(fixed).putShort(14, (short) (ProxyFraming.V2_MAX_LENGTH - 16));
    assertThat(examine(fixed).verdict()).isEqualTo(Verdict.PARTIAL_HEADER);
    ByteBuffer.wrap(fixed).putShort(14, (short) 0xffff);
    assertThat(examine(fixed).verdict()).isEqualTo(Verdict.TOO_LONG);
  }

  /** A header followed by data. */
  private static final class WithData {
    static byte[] of(byte[] header, String data) {
      return V2Headers.concat(header, data.getBytes(US_ASCII));
    }
  }
}
