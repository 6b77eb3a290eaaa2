package io.tsecho.junit;

import static io.tsecho.junit.Clients.connect;
import static io.tsecho.junit.Clients.readLine;
import static io.tsecho.junit.Clients.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A server per test, from an instance field: tests run at the same time, each with its own server,
 * its own messages and its own faults.
 */
@Execution(ExecutionMode.CONCURRENT)
class ServerPerTestTest {
  @RegisterExtension final TsechoExtension server = new TsechoExtension();

  @RepeatedTest(4)
  void eachTestSeesOnlyWhatItSent(RepetitionInfo repetition) throws Exception {
    String message = "message from test " + repetition.getCurrentRepetition();
    try (Socket s = connect(server)) {
      for (int i = 0; i < 3; i++) {
        send(s, message + "\n");
        assertThat(readLine(s.getInputStream())).endsWith("] " + message + "\n");
      }
    }
    assertThat(server.received()).containsExactly(message, message, message);
  }

  @RepeatedTest(4)
  void aFaultOfOneTestLeavesTheOthersAlone(RepetitionInfo repetition) throws Exception {
    boolean stalled = repetition.getCurrentRepetition() % 2 == 1;
    if (stalled) {
      server.fault("stall");
    }
    try (Socket s = connect(server)) {
      send(s, "anyone?\n");
      if (stalled) {
        s.setSoTimeout(300);
        assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      } else {
        assertThat(readLine(s.getInputStream())).endsWith("] anyone?\n");
      }
    }
  }
}
