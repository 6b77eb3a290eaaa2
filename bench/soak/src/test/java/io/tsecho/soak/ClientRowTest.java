package io.tsecho.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientRowTest {
  private static final String BENCH = "{\"target\":\"127.0.0.1:32829\",\"protocol\":\"tcp\",\"service\":\"stamp\","
      + "\"connections\":8,\"depth\":1024,\"size\":64,\"rate\":110374.000,\"measured_s\":60.001,\"requests\":6515717,"
      + "\"requests_per_s\":108593.015,\"bytes_sent\":423836160,\"bytes_received\":612684527,\"latency\":{\"count\":6515717,"
      + "\"p99_us\":4726980.607},\"errors\":{\"total\":230722,\"wrong\":0,\"missing\":115361,\"extra\":111258,\"late\":4103},"
      + "\"connections_failed\":1,\"connections_lost\":2,\"ok\":false}";

  @Test
  void aBenchReportBecomesARowWithEveryErrorCounted() {
    ClientRow row = ClientRow.fromBench("bench pipelining", BENCH, "108593 requests/s");
    assertThat(row.connections()).isEqualTo(8);
    assertThat(row.ok()).isEqualTo(6515717);
    assertThat(row.requests()).isEqualTo(6515717 + 115361 + 4103);
    assertThat(row.missing()).isEqualTo(115361);
    assertThat(row.extra()).isEqualTo(111258);
    assertThat(row.late()).isEqualTo(4103);
    assertThat(row.connectFailures()).isEqualTo(1);
    assertThat(row.lost()).isEqualTo(2);
    assertThat(row.errors()).isEqualTo(115361 + 111258 + 4103 + 1 + 2);
  }

  @Test
  void aRowSurvivesItsCsvLineAndANoteLosesOnlyItsCommas() {
    ClientRow row = new ClientRow("stallers", 54, 54, 53, 1, 0, 0, 0, 0, 0, 2, 20, "closed 60.0 to 61.2 s, time-out 60 s");
    ClientRow back = ClientRow.parse(row.csv());
    assertThat(back).isEqualTo(new ClientRow("stallers", 54, 54, 53, 1, 0, 0, 0, 0, 0, 2, 20,
        "closed 60.0 to 61.2 s; time-out 60 s"));
    assertThat(back.errors()).isEqualTo(3);
  }
}
