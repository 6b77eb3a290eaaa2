package io.tsecho.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.internal.cli.ExitCodes;
import io.tsecho.internal.net.Addresses;
import io.tsecho.internal.server.BindFailedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
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
  void anAddressIsPrintedOneWayHoweverItWasWritten() throws Exception {
    InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 1);
    InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 21566);
    assertThat(Addresses.describe("::1", v6)).isEqualTo("[::1]:1");
    assertThat(Addresses.describe("[::1]", v6)).isEqualTo("[::1]:1");
    assertThat(Addresses.describe("0:0:0:0:0:0:0:1", v6)).isEqualTo("[::1]:1");
    assertThat(Addresses.describe("127.0.0.1", v4)).isEqualTo("127.0.0.1:21566");
    assertThat(Addresses.describe("localhost", v6)).isEqualTo("localhost ([::1]:1)");
    assertThat(Addresses.describe("localhost", v4)).isEqualTo("localhost (127.0.0.1:21566)");
  }

  @Test
  void aRefusedConnectionNamesItsAddressAsEveryClientDoes() throws Exception {
    InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 1);
    assertThat(Connector.classify(new ConnectException("Connection refused"), Addresses.describe("::1", v6),
        Duration.ofSeconds(5)).getMessage()).isEqualTo("cannot connect to [::1]:1: connection refused");
  }

  @Test
  void aNameThatDoesNotResolveIsExitCodeFour() {
    assertThatThrownBy(() -> Resolver.resolveAll("no-such-host.invalid", 21566))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("unknown host: no-such-host.invalid");
          assertThat(ExitCodes.of(e)).isEqualTo(4);
        });
  }

  @Test
  void anAddressResolvesToItselfBracketsOrNot() throws Exception {
    assertThat(Resolver.resolve("[::1]", 7)).isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 7));
    assertThat(Resolver.resolveAll("127.0.0.1", 7)).containsExactly(
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 7));
  }

  @Test
  void ipv6LiteralsMayComeInBrackets() {
    assertThat(Addresses.hostLiteral("[::1]")).isEqualTo("::1");
    assertThat(Addresses.hostLiteral("::1")).isEqualTo("::1");
    assertThat(Addresses.hostLiteral("example.org")).isEqualTo("example.org");
  }
}
