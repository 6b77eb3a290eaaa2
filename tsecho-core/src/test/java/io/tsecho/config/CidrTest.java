package io.tsecho.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void anIpv4BlockHoldsExactlyItsAddresses() throws Exception {
    Cidr block = Cidr.parse("10.1.0.0/16");
    assertThat(block.contains(ip("10.1.0.0"))).isTrue();
    assertThat(block.contains(ip("10.1.255.255"))).isTrue();
    assertThat(block.contains(ip("10.2.0.0"))).isFalse();
    assertThat(block.contains(ip("10.0.255.255"))).isFalse();
    assertThat(block.contains(ip("::ffff:10.1.2.3"))).as("IPv4-mapped").isTrue();
    assertThat(block.contains(ip("::1"))).isFalse();
  }

  @Test
  void prefixesThatEndInsideAByteCompareOnlyTheirBits() throws Exception {
    Cidr block = Cidr.parse("192.168.100.0/22");
    assertThat(block.contains(ip("192.168.103.255"))).isTrue();
    assertThat(block.contains(ip("192.168.104.0"))).isFalse();
    assertThat(block.contains(ip("192.168.99.255"))).isFalse();
    assertThat(block).hasToString("192.168.100.0/22");
    assertThat(Cidr.parse("192.168.101.7/22")).as("host bits are cleared").isEqualTo(block);
  }

  @Test
  void ipv6BlocksAndSingleAddresses() throws Exception {
    Cidr block = Cidr.parse("2001:db8:0:1::/64");
    assertThat(block.contains(ip("2001:db8:0:1:ffff:ffff:ffff:ffff"))).isTrue();
    assertThat(block.contains(ip("2001:db8:0:2::"))).isFalse();
    assertThat(block.contains(ip("10.0.0.1"))).isFalse();
    assertThat(block).hasToString("2001:db8:0:1::/64");
    Cidr one = Cidr.parse("[::1]");
    assertThat(one.bits()).isEqualTo(128);
    assertThat(one.contains(ip("::1"))).isTrue();
    assertThat(one.contains(ip("::2"))).isFalse();
    assertThat(Cidr.parse("127.0.0.1").bits()).isEqualTo(32);
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
    assertThat(Cidr.parse("::/0").contains(ip("2001:db8::1"))).isTrue();
  }

  @Test
  void badBlocksAreRefusedWithAMessageNamingThem() {
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessage("'10.0.0.0/33': an IPv4 prefix is at most 32 bits, got 33");
    assertThatThrownBy(() -> Cidr.parse("::/129")).hasMessage("'::/129': an IPv6 prefix is at most 128 bits, got 129");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessage("'10.0.0.0/x': the prefix length 'x' is not a number");
    assertThatThrownBy(() -> Cidr.parse("example.com/8"))
        .hasMessage("'example.com/8' is not an address block; write e.g. 10.0.0.0/8 or 2001:db8::/32");
    assertThatThrownBy(() -> Cidr.parse("300.1.1.1")).hasMessage("'300.1.1.1': '300.1.1.1' is not an IP address");
    assertThatThrownBy(() -> Cidr.parse("")).hasMessageContaining("is not an address block");
  }
}
