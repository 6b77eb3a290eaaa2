package io.tsecho.junit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;

/** What a client under test would do: connect, send, read a line, exchange a datagram. */
final class Clients {
  private Clients() {}

  static Socket connect(TsechoExtension server) throws IOException {
    Socket s = new Socket(server.host(), server.port());
    s.setSoTimeout(10_000);
    return s;
  }

  static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(UTF_8));
    s.getOutputStream().flush();
  }

  /** One line with its newline; what came before the end if the server closed first. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      line.write(b);
      if (b == '\n') {
        break;
      }
    }
    return line.toString(UTF_8);
  }

  static String exchange(DatagramSocket udp, TsechoExtension server, String payload) throws IOException {
    send(udp, server, payload);
    return receive(udp);
  }

  static void send(DatagramSocket udp, TsechoExtension server, String payload) throws IOException {
    byte[] bytes = payload.getBytes(UTF_8);
    udp.send(new DatagramPacket(bytes, bytes.length, server.address()));
  }

  static String receive(DatagramSocket udp) throws IOException {
    DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
    udp.receive(reply);
    return new String(reply.getData(), 0, reply.getLength(), UTF_8);
  }

  static DatagramSocket udp() throws IOException {
    DatagramSocket udp = new DatagramSocket();
    udp.setSoTimeout(10_000);
    return udp;
  }
}
