package io.tsecho.internal.server;

import static io.tsecho.testing.Replies.payload;
import static io.tsecho.testing.Replies.readLine;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.Listener;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Transport;
import io.tsecho.config.UdpLimits;
import io.tsecho.testing.TestServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The whoami service over real sockets: which instance answered, and whom it saw. */
class WhoamiIT {
  private static final String HOST = ServerConfig.defaultInstance();

  @Test
  void eachLineGetsTheInstanceAndTheAddressesItSaw() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.listen(Listener.parse("whoami/tcp/127.0.0.1:0"))
        .instance("alpha"));
        Socket s = new Socket()) {
      s.bind(new InetSocketAddress("127.0.0.2", 0));
      s.connect(new InetSocketAddress("127.0.0.1", server.port()));
      s.setSoTimeout(10_000);
      s.getOutputStream().write("hello\nagain\n".getBytes(ISO_8859_1));
      String expected = "instance=alpha host=" + HOST + " local=127.0.0.1:" + server.port() + " peer=127.0.0.2:"
          + s.getLocalPort() + " via=- proto=tcp tls=- msg=";
      assertThat(payload(readLine(s.getInputStream()))).isEqualTo(expected + "hello\n");
      assertThat(payload(readLine(s.getInputStream()))).isEqualTo(expected + "again\n");
      assertThat(server.server().listeningLines().get(0)).contains("instance alpha");
    }
  }

  @Test
  void overUdpTheMessageIsAnsweredWhenTheDatagramIsPaddedToMakeRoom() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.listen(Listener.parse("whoami/udp/127.0.0.1:0"))
        .instance("beta").udpLimits(new UdpLimits(0, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM)));
        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.3", 0))) {
      client.setSoTimeout(10_000);
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", server.port());
      String header = "instance=beta host=" + HOST + " local=127.0.0.1:" + server.port() + " peer=127.0.0.3:"
          + client.getLocalPort() + " via=- proto=udp tls=- msg=";
      int needed = 27 + header.length() + "hi\n".length() - UdpLimits.MAX_REPLY_GROWTH;

      assertThat(exchange(client, target, "hi\n")).isEqualTo("tsecho error: whoami needs " + needed + "+ bytes\n");
      String padded = "hi\n" + "-".repeat(needed - 3);
      String reply = exchange(client, target, padded);
      assertThat(payload(reply)).as("the padding after the newline is not echoed").isEqualTo(header + "hi\n");
      assertThat(reply.length()).isLessThanOrEqualTo(padded.length() + UdpLimits.MAX_REPLY_GROWTH);
    }
  }

  private static String exchange(DatagramSocket client, InetSocketAddress target, String payload) throws Exception {
    byte[] bytes = payload.getBytes(ISO_8859_1);
    client.send(new DatagramPacket(bytes, bytes.length, target));
    DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
    client.receive(reply);
    return new String(reply.getData(), 0, reply.getLength(), ISO_8859_1);
  }
}
