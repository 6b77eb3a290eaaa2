package io.tsecho.internal.client.bench;

import static io.tsecho.internal.client.bench.EmbeddedLoad.STAMP;
import static io.tsecho.internal.client.bench.EmbeddedLoad.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.Service;
import io.tsecho.internal.client.bench.EmbeddedLoad.Settings;
import io.tsecho.internal.client.bench.LoopStats.Counts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a load connection reads each reply: its stamp, its whoami fields, and what it answers. */
class LoadConnectionRepliesTest {
  private static Settings settings(Service service, int depth) {
    Settings s = new Settings();
    s.service = service;
    s.depth = depth;
    return s;
  }

  /** The one request written since the last look. */
  private static String next(EmbeddedLoad load) {
    List<String> sent = load.sent();
    assertThat(sent).hasSize(1);
    return sent.get(0);
  }

  /** The request without its newline. */
  private static String text(String request) {
    return request.substring(0, request.length() - 1);
  }

  @Test
  void anEchoReplyIsTheRequestItself() {
    try (EmbeddedLoad load = new EmbeddedLoad(settings(Service.ECHO, 1)).start(0)) {
      String r0 = load.sent().get(0);
      load.receive(r0);
      String r1 = load.sent().get(0);
      assertThat(r1).startsWith("0003000000000001 ");
      load.receive(STAMP + r1);
      Counts c = load.snapshot().counts();
      assertThat(c.ok()).isEqualTo(1);
      assertThat(c.wrong()).as("an echo server does not stamp").isEqualTo(1);
    }
  }

  @Test
  void aStampedReplyMustOpenWithAStampClosedByBracketAndSpace() {
    try (EmbeddedLoad load = new EmbeddedLoad(settings(Service.STAMP, 1)).start(0)) {
      load.receive(next(load)); // the request echoed, no stamp
      next(load);
      load.receive("[]\n");
      load.receive("[Tue Jan  9 21:14:00 2018]" + next(load)); // no space after the stamp
      load.receive("(Tue Jan  9 21:14:00 2018] " + next(load));
      load.receive("[a]b] " + next(load)); // the first "] " closes the stamp
      assertThat(load.snapshot().counts()).extracting(Counts::ok, Counts::wrong).containsExactly(1L, 4L);
    }
  }

  @Test
  void aReplyAsLongAsTheLineBufferWithoutAStampIsWrongAndTheConnectionCarriesOn() {
    try (EmbeddedLoad load = new EmbeddedLoad(settings(Service.STAMP, 1)).start(0)) {
      load.sent();
      load.receive("[" + "x".repeat(254) + "]\n"); // 256 bytes before the newline: no "] " in them
      assertThat(load.channel.isActive()).isTrue();
      load.answer(load.sent().get(0));
      assertThat(load.snapshot().counts()).extracting(Counts::ok, Counts::wrong).containsExactly(1L, 1L);
    }
  }

  @Test
  void requestsLongerThanTheLineBufferAreCheckedWhole() {
    Settings s = settings(Service.STAMP, 1);
    s.size = 300;
    try (EmbeddedLoad load = new EmbeddedLoad(s).start(0)) {
      String r0 = load.sent().get(0);
      assertThat(r0).hasSize(300);
      load.answer(r0);
      String r1 = load.sent().get(0);
      load.answer(r1.substring(0, 200) + "#" + r1.substring(201));
      assertThat(load.snapshot().counts()).extracting(Counts::ok, Counts::wrong).containsExactly(1L, 1L);
    }
  }

  @Test
  void aWhoamiReplyNamesItsInstanceBeforeTheMessage() {
    try (EmbeddedLoad load = new EmbeddedLoad(settings(Service.WHOAMI, 1)).start(0)) {
      load.receive(STAMP + "instance=pod-a host=10.0.0.9:40000 msg=" + load.sent().get(0));
      load.receive(STAMP + "instance=pod-a host=10.0.0.9:40000 msg=" + load.sent().get(0));
      load.receive(STAMP + "instance=pod-bb host=10.0.0.9:40000 msg=" + load.sent().get(0));
      LoopStats.Snapshot s = load.snapshot();
      assertThat(s.counts().ok()).isEqualTo(3);
      assertThat(s.counts().wrong()).isZero();
      assertThat(s.instances().keySet()).containsExactly("pod-a", "pod-bb");
      assertThat(s.instances().get("pod-a")).as("replies, and this one connection").containsExactly(2, 1);
      assertThat(s.instances().get("pod-bb")).containsExactly(1, 1);
    }
  }

  @Test
  void aWhoamiReplyWithoutEachOfItsFieldsIsWrongAndNamesNoInstance() {
    try (EmbeddedLoad load = new EmbeddedLoad(settings(Service.WHOAMI, 1)).start(0)) {
      load.receive(STAMP + "host=10.0.0.9:40000 msg=" + next(load));
      next(load);
      load.receive(STAMP + "instance=pod-a\n");
      load.receive(STAMP + "instance=pod-a host=10.0.0.9:40000 " + next(load));
      load.receive("instance=pod-a host=10.0.0.9:40000 msg=" + next(load)); // no stamp
      load.receive(STAMP + "instance=pod-a msg=" + next(load).replace("0003", "0004")); // another connection's
      LoopStats.Snapshot s = load.snapshot();
      assertThat(s.counts().wrong()).isEqualTo(5);
      assertThat(s.counts().ok()).isZero();
      assertThat(s.instances().keySet()).as("a reply with all its fields names one").containsExactly("pod-a");
      assertThat(s.instances().get("pod-a")).containsExactly(1, 1);
    }
  }

  @Test
  void eachFaultIsCountedAsWhatItIs() {
    try (EmbeddedLoad load = new EmbeddedLoad(settings(Service.STAMP, 2)).start(0)) {
      List<String> first = load.sent();
      assertThat(first).hasSize(2);
      load.answer(first.get(1)); // request 0 skipped: missing at the end of this read
      assertThat(load.snapshot().counts()).extracting(Counts::ok, Counts::missing).containsExactly(1L, 1L);
      assertThat(load.sent()).as("room for two more").hasSize(2);
      load.answer(first.get(0)); // after it was given up on
      load.answer(first.get(1)); // a second time
      load.receive(STAMP + "0003000000000099 " + text(first.get(0)).substring(17) + "\n"); // never sent
      Counts c = load.snapshot().counts();
      assertThat(List.of(c.ok(), c.wrong(), c.missing(), c.extra(), c.late())).containsExactly(1L, 1L, 1L, 1L, 1L);
      assertThat(c.errors()).isEqualTo(4);
    }
  }

  @Test
  void missingRequestsAreCountedOnceEachAcrossReads() {
    try (EmbeddedLoad load = new EmbeddedLoad(settings(Service.STAMP, 3)).start(0)) {
      List<String> first = load.sent(); // 0, 1, 2
      load.answer(first.get(1)); // 0 missing
      List<String> second = load.sent(); // 3, 4
      load.answer(first.get(2));
      load.answer(second.get(0));
      assertThat(load.snapshot().counts().missing()).isEqualTo(1);
      List<String> third = load.sent(); // 5, 6
      assertThat(third).extracting(l -> l.substring(0, 16)).containsExactly("0003000000000005", "0003000000000006");
      load.answer(third.get(1)); // 4 and 5 missing
      assertThat(load.snapshot().counts().missing()).isEqualTo(3);
    }
  }

  @Test
  void bytesReceivedCountOnceTheWarmUpIsOver() {
    Settings s = settings(Service.STAMP, 1);
    s.warmup = Duration.ofNanos(1_000);
    try (EmbeddedLoad load = new EmbeddedLoad(s).start(0)) {
      load.now = T0 + 999;
      load.answer(load.sent().get(0));
      assertThat(load.snapshot().counts().bytesReceived()).isZero();
      load.now = T0 + 1_000;
      load.answer(load.sent().get(0));
      assertThat(load.snapshot().counts().bytesReceived()).isEqualTo(STAMP.length() + 64);
      load.answer(load.sent().get(0));
      assertThat(load.snapshot().counts().bytesReceived()).isEqualTo(2 * (STAMP.length() + 64));
    }
  }
}
