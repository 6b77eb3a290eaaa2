package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import io.netty.util.NetUtil;
import io.tsecho.internal.net.Addresses;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** What the server takes from a PROXY header Netty has decoded: the client, what Netty leaves unchecked, its log text. */
final class ProxyHeaders {
  private static final int TYPE_UNIQUE_ID = 0x05;
  /** The most characters of a TLV value or error message put in a log line. */
  private static final int LOGGED_CHARS = 128;

  private ProxyHeaders() {}

  /**
   * The client a header names, or null when the connection is served as itself: LOCAL (the proxy's
   * own health check), UNKNOWN and UNIX sockets, whose addresses the protocol says to ignore.
   */
  static InetSocketAddress client(HAProxyMessage header) {
    if (header.command() != HAProxyCommand.PROXY) {
      return null;
    }
    HAProxyProxiedProtocol protocol = header.proxiedProtocol();
    if (protocol != HAProxyProxiedProtocol.TCP4 && protocol != HAProxyProxiedProtocol.TCP6) {
      return null;
    }
    // Netty has checked the address is a literal: this looks up no name.
    return new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(header.sourceAddress()),
        header.sourcePort());
  }

  /**
   * Why a decoded header is refused, or null when it is good: a wrong CRC32C (checked on the v2
   * header's own bytes, null for v1), or a UDP client on a TCP listener.
   */
  static String problem(HAProxyMessage header, ByteBuf v2Bytes) {
    if (v2Bytes != null) {
      ProxyChecksum.Problem problem = ProxyChecksum.check(v2Bytes);
      if (problem != null) {
        return problem.text();
      }
    }
    if (header.command() == HAProxyCommand.PROXY
        && header.proxiedProtocol().transportProtocol() == HAProxyProxiedProtocol.TransportProtocol.DGRAM) {
      return "PROXY header for a UDP client, on a TCP listener";
    }
    return null;
  }

  /** The debug line of an accepted header, with the TLVs worth knowing: the unique ID and the TLS client's name. */
  static String describe(HAProxyMessage header, SocketAddress proxy, InetSocketAddress client) {
    StringBuilder line = new StringBuilder("PROXY ")
        .append(header.protocolVersion() == HAProxyProtocolVersion.V1 ? "v1" : "v2")
        .append(" header from ").append(Addresses.format(proxy)).append(": ");
    if (client == null) {
      line.append(header.command() == HAProxyCommand.LOCAL ? "LOCAL" : header.proxiedProtocol().name())
          .append(", served as the connection itself");
    } else {
      line.append("client ").append(Addresses.format(client));
    }
    for (HAProxyTLV tlv : header.tlvs()) {
      if (tlv.typeByteValue() == TYPE_UNIQUE_ID) {
        line.append(" unique_id=\"").append(printable(tlv.content())).append('"');
      } else if (tlv.type() == HAProxyTLV.Type.PP2_TYPE_SSL_CN) {
        line.append(" ssl_cn=\"").append(printable(tlv.content())).append('"');
      }
    }
    return line.toString();
  }

  /** The innermost message of a decoder's failure, for the refusal's log line. */
  static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }

  /** Bytes from the wire as log text: printable ASCII kept, anything else escaped, cut at a bound. */
  static String printable(ByteBuf bytes) {
    StringBuilder text = new StringBuilder();
    int i = bytes.readerIndex();
    for (; i < bytes.writerIndex() && text.length() < LOGGED_CHARS; i++) {
      appendPrintable(text, bytes.getByte(i) & 0xff);
    }
    return i < bytes.writerIndex() ? text.append("...").toString() : text.toString();
  }

  static String printable(String message) {
    StringBuilder text = new StringBuilder();
    int i = 0;
    for (; i < message.length() && text.length() < LOGGED_CHARS; i++) {
      appendPrintable(text, message.charAt(i));
    }
    return i < message.length() ? text.append("...").toString() : text.toString();
  }

  private static void appendPrintable(StringBuilder text, int c) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      text.append((char) c);
    } else if (c < 0x100) {
      text.append(String.format("\\x%02x", c));
    } else {
      text.append('?');
    }
  }
}
