package io.tsecho.soak;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of the replies table: a kind of client and what became of its requests, from the
 * soak's own clients or from a {@code tsecho bench --json} report.
 */
record ClientRow(String client, long connections, long requests, long ok, long wrong, long missing, long extra,
    long late, long connectFailures, long lost, long notClosed, long closedByServer, String note) {
  static final String CSV_HEADER =
      "client,connections,requests,ok,wrong,missing,extra,late,connect_failures,lost,not_closed,closed_by_server,note";

  long errors() {
    return wrong + missing + extra + late + connectFailures + lost + notClosed;
  }

  static ClientRow of(SoakClient c) {
    Tally t = c.tally();
    return new ClientRow(t.name, t.connections.sum(), t.requests.sum(), t.ok.sum(), t.wrong.sum(), t.missing.sum(),
        t.extra.sum(), 0, t.connectFailures.sum(), t.lost.sum(), t.notClosed.sum(), t.closedByServer.sum(), c.note());
  }

  /**
   * A bench run as a row: its requests are those it counted in its measured time (answered right,
   * wrong, missing or late); connections it could not open count as connect failures, connections
   * it lost as lost.
   */
  static ClientRow fromBench(String client, String json, String note) {
    long ok = number(json, "requests");
    long wrong = number(json, "wrong");
    long missing = number(json, "missing");
    long late = number(json, "late");
    return new ClientRow(client, number(json, "connections"), ok + wrong + missing + late, ok, wrong, missing,
        number(json, "extra"), late, number(json, "connections_failed"), number(json, "connections_lost"), 0, 0, note);
  }

  /** A whole-number field of bench's flat JSON report; its keys are unique. */
  private static long number(String json, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(\\d+)").matcher(json);
    if (!m.find()) {
      throw new IllegalArgumentException("no \"" + key + "\" in the bench report");
    }
    return Long.parseLong(m.group(1));
  }

  String csv() {
    return String.join(",", client, Long.toString(connections), Long.toString(requests), Long.toString(ok),
        Long.toString(wrong), Long.toString(missing), Long.toString(extra), Long.toString(late),
        Long.toString(connectFailures), Long.toString(lost), Long.toString(notClosed), Long.toString(closedByServer),
        note.replace(',', ';'));
  }

  static ClientRow parse(String line) {
    String[] f = line.split(",", 13);
    if (f.length != 13) {
      throw new IllegalArgumentException("not a client line: " + line);
    }
    long[] n = new long[11];
    for (int i = 0; i < n.length; i++) {
      n[i] = Long.parseLong(f[i + 1]);
    }
    return new ClientRow(f[0], n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10], f[12]);
  }
}
