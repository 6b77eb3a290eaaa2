package io.tsecho.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListenerTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "stamp/tcp/[::]:21566       | STAMP   | TCP | ::        | 21566 | stamp/tcp/[::]:21566",
    "time/udp/0.0.0.0:3737      | TIME    | UDP | 0.0.0.0   | 3737  | time/udp/0.0.0.0:3737",
    "echo/tcp/*:7               | ECHO    | TCP |           | 7     | echo/tcp/*:7",
    "DAYTIME/UDP/localhost:0    | DAYTIME | UDP | localhost | 0     | daytime/udp/localhost:0",
    "stamp/udp/[::1]:9          | STAMP   | UDP | ::1       | 9     | stamp/udp/[::1]:9",
  })
  void parsesEachPartAndWritesItBack(String spec, Service service, Protocol protocol, String host, int port, String shown) {
    Listener l = Listener.parse(spec);
    assertThat(l.service()).isEqualTo(service);
    assertThat(l.protocol()).isEqualTo(protocol);
    assertThat(l.host()).isEqualTo(host);
    assertThat(l.port()).isEqualTo(port);
    assertThat(l).hasToString(shown);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "stamp:21566                | must be SERVICE/PROTOCOL/ADDRESS:PORT",
    "chargen/tcp/*:19           | 'chargen' is not a service; use stamp, echo, daytime, time or whoami",
    "stamp/sctp/*:1             | 'sctp' is not a protocol; use tcp, udp or tls",
    "stamp/tcp/localhost        | 'localhost' needs a port, as ADDRESS:PORT",
    "stamp/tcp/*:http           | port 'http' is not a number",
    "stamp/tcp/*:70000          | port must be between 0 and 65535, got 70000",
    "stamp/tcp/[::1:80          | unbalanced brackets in '[::1'",
    "stamp/tcp/::1:80           | write an IPv6 address in brackets, as [::1]:80",
    "stamp/tcp/:80              | the address is empty; use * for every address",
  })
  void namesTheMalformedPart(String spec, String message) {
    assertThatThrownBy(() -> Listener.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listener '" + spec + "'")
        .hasMessageContaining(message);
  }
}
