package io.tsecho.deploy;

import static io.tsecho.testing.Replies.CTIME_PREFIX;
import static io.tsecho.testing.Replies.CTIME_PREFIX_LENGTH;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.testing.Replies;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One stamped exchange over TCP and one over UDP, and the readiness probe, on loopback. */
final class ServedExchanges {
  private static final int TIMEOUT_MILLIS = 30_000;

  private ServedExchanges() {}

  static void assertStampsTcp(int port) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write("hello from the release\n".getBytes(ISO_8859_1));
      out.flush();
      String reply = Replies.readLine(socket.getInputStream());
      assertThat(reply).matches(CTIME_PREFIX.pattern() + "hello from the release\n")
          .hasSize(CTIME_PREFIX_LENGTH + "hello from the release\n".length());
    }
  }

  static void assertStampsUdp(int port) throws Exception {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      socket.setSoTimeout(TIMEOUT_MILLIS);
      byte[] sent = "datagram\n".getBytes(ISO_8859_1);
      socket.send(new DatagramPacket(sent, sent.length, InetAddress.getLoopbackAddress(), port));
      DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
      socket.receive(reply);
      String text = new String(reply.getData(), 0, reply.getLength(), ISO_8859_1);
      assertThat(text).matches(CTIME_PREFIX.pattern() + "datagram\n").hasSize(CTIME_PREFIX_LENGTH + 9);
    }
  }

  static void assertReady(int adminPort) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz"))
            .timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ready\n");
  }
}
