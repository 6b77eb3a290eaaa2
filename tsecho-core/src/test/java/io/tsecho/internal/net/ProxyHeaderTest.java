package io.tsecho.internal.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.tsecho.internal.net.ProxyHeader.Version;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Headers as proxy-protocol.txt writes them, and as Netty's own encoder makes them. */
class ProxyHeaderTest {
  private static final InetSocketAddress CLIENT4 = new InetSocketAddress("192.168.0.1", 56324);
  private static final InetSocketAddress SERVER4 = new InetSocketAddress("192.168.0.11", 443);
  private static final InetSocketAddress CLIENT6 = new InetSocketAddress("2001:db8::1", 56324);
  private static final InetSocketAddress SERVER6 = new InetSocketAddress("2001:db8:0:0:0:0:0:b", 443);

  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text.replace(" ", ""));
  }

  @Test
  void v1IsTheSpecificationsExampleLine() {
    assertThat(new String(ProxyHeader.tcp(Version.V1, CLIENT4, SERVER4), US_ASCII))
        .isEqualTo("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
  }

  @Test
  void v1WritesIpv6Compressed() {
    assertThat(new String(ProxyHeader.tcp(Version.V1, CLIENT6, SERVER6), US_ASCII))
        .isEqualTo("PROXY TCP6 2001:db8::1 2001:db8::b 56324 443\r\n");
  }

  @Test
  void theLongestV1HeaderSentFitsTheLimit() {
    InetSocketAddress widest = new InetSocketAddress("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535);
    byte[] header = ProxyHeader.tcp(Version.V1, widest, widest);
    assertThat(header).hasSize(104); // 107 is for "PROXY UNKNOWN" with addresses, which is never sent
    assertThat(ProxyHeader.V1_MAX_LENGTH).isEqualTo(107);
  }

  @Test
  void v2Ipv4IsSignatureCommandFamilyLengthAddressesPorts() {
    assertThat(ProxyHeader.tcp(Version.V2, CLIENT4, SERVER4)).isEqualTo(hex(
        "0d0a0d0a000d0a515549540a" // signature
            + "21" // version 2, PROXY
            + "11" // TCP over IPv4
            + "000c" // 12 bytes follow
            + "c0a80001 c0a8000b" // 192.168.0.1, 192.168.0.11
            + "dc04 01bb")); // 56324, 443
  }

  @Test
  void v2Ipv6() {
    assertThat(ProxyHeader.tcp(Version.V2, CLIENT6, SERVER6)).isEqualTo(hex(
        "0d0a0d0a000d0a515549540a 21 21 0024"
            + "20010db8000000000000000000000001"
            + "20010db800000000000000000000000b"
            + "dc04 01bb"));
  }

  @Test
  void localIsV2sLocalCommandAndV1sUnknown() {
    assertThat(ProxyHeader.local(Version.V2)).isEqualTo(hex("0d0a0d0a000d0a515549540a 20 00 0000"));
    assertThat(new String(ProxyHeader.local(Version.V1), US_ASCII)).isEqualTo("PROXY UNKNOWN\r\n");
  }

  @Test
  void mixedFamiliesAreSentAsIpv6WithTheIpv4AddressMapped() {
    assertThat(new String(ProxyHeader.tcp(Version.V1, CLIENT4, SERVER6), US_ASCII))
        .isEqualTo("PROXY TCP6 ::ffff:192.168.0.1 2001:db8::b 56324 443\r\n");
    assertThat(ProxyHeader.tcp(Version.V2, CLIENT4, SERVER6)).isEqualTo(hex(
        "0d0a0d0a000d0a515549540a 21 21 0024"
            + "00000000000000000000ffffc0a80001"
            + "20010db800000000000000000000000b"
            + "dc04 01bb"));
  }

  @Test
  void theSameBytesAsNettysEncoder() {
    for (Version version : Version.values()) {
      HAProxyProtocolVersion nettyVersion = version == Version.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
      assertThat(ProxyHeader.tcp(version, CLIENT4, SERVER4)).isEqualTo(nettyEncoded(new HAProxyMessage(nettyVersion,
          HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP4, "192.168.0.1", "192.168.0.11", 56324, 443)));
      assertThat(ProxyHeader.tcp(version, CLIENT6, SERVER6)).isEqualTo(nettyEncoded(new HAProxyMessage(nettyVersion,
          HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP6, "2001:db8::1", "2001:db8::b", 56324, 443)));
    }
    assertThat(ProxyHeader.local(Version.V2)).isEqualTo(nettyEncoded(new HAProxyMessage(HAProxyProtocolVersion.V2,
        HAProxyCommand.LOCAL, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0)));
  }

  private static byte[] nettyEncoded(HAProxyMessage message) {
    EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    channel.writeOutbound(message);
    ByteBuf out = channel.readOutbound();
    try {
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void anUnresolvedAddressIsRefused() {
    assertThatThrownBy(() -> ProxyHeader.tcp(Version.V2, InetSocketAddress.createUnresolved("example.com", 1), SERVER4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a PROXY header needs IP addresses, got the unresolved example.com");
  }

  @Test
  void versionsParseAsTheirCommandLineNames() {
    assertThat(Version.parse("v1")).isEqualTo(Version.V1);
    assertThat(Version.parse("V2")).isEqualTo(Version.V2);
    assertThatThrownBy(() -> Version.parse("v3")).hasMessage("'v3' is not a PROXY protocol version; use v1 or v2");
  }
}
