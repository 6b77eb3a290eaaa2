package io.tsecho.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.cli.ExitCodes;
import io.tsecho.server.BindFailedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each way a connect can fail maps to its own failure and exit code. */
class ConnectorTest {
  private static int exitCodeOf(IOException e) {
    return ExitCodes.of(Connector.classify(e, "example:1", Duration.ofSeconds(5)));
  }

  @Test
  void connectFailuresMapToTheirExitCodes() {
    assertThat(exitCodeOf(new ConnectException("Connection refused"))).isEqualTo(3);
    assertThat(exitCodeOf(new NoRouteToHostException("No route to host"))).isEqualTo(5);
    assertThat(exitCodeOf(new ConnectException("Network is unreachable"))).isEqualTo(5);
    assertThat(exitCodeOf(new SocketTimeoutException("Connect timed out"))).isEqualTo(6);
    assertThat(exitCodeOf(new IOException("Protocol error"))).isEqualTo(7);
  }

  @Test
  void bindFailuresMapByTheirTextWhateverTheExceptionClass() {
    InetSocketAddress any = new InetSocketAddress(21566);
    // Netty's native transport reports errno's text in a plain IOException.
    assertThat(ExitCodes.of(new BindFailedException("tcp", any, new IOException("bind(..) failed: Address already in use"))))
        .isEqualTo(8);
    assertThat(ExitCodes.of(new BindFailedException("tcp", any, new java.net.BindException("Permission denied"))))
        .isEqualTo(9);
    assertThat(ExitCodes.of(new BindFailedException("tcp", any, new IOException("Cannot assign requested address"))))
        .isEqualTo(10);
  }

  @Test
  void ipv6LiteralsMayComeInBrackets() {
    assertThat(Connector.hostLiteral("[::1]")).isEqualTo("::1");
    assertThat(Connector.hostLiteral("::1")).isEqualTo("::1");
    assertThat(Connector.hostLiteral("example.org")).isEqualTo("example.org");
  }
}
