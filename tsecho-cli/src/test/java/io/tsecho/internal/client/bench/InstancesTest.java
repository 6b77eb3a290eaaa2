package io.tsecho.internal.client.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Reading a whoami reply's fields, and counting which instance answered whom. */
class InstancesTest {
  /** A line as the connection copies it: at an offset in a larger array, with stale bytes after it. */
  private static byte[] line(String prefix, String text) {
    byte[] bytes = new byte[64];
    Arrays.fill(bytes, (byte) ' ');
    byte[] t = (prefix + text).getBytes(UTF_8);
    System.arraycopy(t, 0, bytes, 0, t.length);
    return bytes;
  }

  @Test
  void theNameStartsAfterInstanceEqualsAtTheStartOfTheText() {
    String text = "instance=pod-a host=h msg=x";
    byte[] line = line("[stamp] ", text);
    int length = 8 + text.length();
    assertThat(Instances.nameStart(line, 8, length)).isEqualTo(17);
    assertThat(Instances.nameStart(line("[stamp] ", "instance=pod"), 8, 16)).as("the line ends before it")
        .isEqualTo(-1);
    assertThat(Instances.nameStart(line("", "instance="), 0, 9)).as("an empty name still starts").isEqualTo(9);
    assertThat(Instances.nameStart(line("", "instance="), 0, 8)).as("one byte short").isEqualTo(-1);
    assertThat(Instances.nameStart(line("x", "instance=pod"), 0, 13)).as("not at the start").isEqualTo(-1);
    assertThat(Instances.nameStart(line("", "instancE=pod"), 0, 12)).isEqualTo(-1);
  }

  @Test
  void aValueEndsAtTheNextSpaceWithinTheLine() {
    byte[] line = line("", "instance=pod-a host=h");
    assertThat(Instances.valueEnd(line, 9, 21)).isEqualTo(14);
    assertThat(Instances.valueEnd(line, 14, 21)).as("a space right at the start").isEqualTo(14);
    assertThat(Instances.valueEnd(line, 15, 21)).as("no space before the end of the line").isEqualTo(-1);
    assertThat(Instances.valueEnd(line, 9, 14)).as("the space just past the end is not in the line").isEqualTo(-1);
  }

  @Test
  void theMessageStartsAfterTheFirstSpaceMsgEquals() {
    String text = "instance=a host=b msg=0001 msg=x";
    byte[] line = line("", text);
    assertThat(Instances.messageStart(line, 10, text.length())).isEqualTo(22);
    assertThat(Instances.messageStart(line, 17, text.length())).as("from the space itself").isEqualTo(22);
    assertThat(Instances.messageStart(line, 18, text.length())).as("the next one").isEqualTo(31);
    assertThat(Instances.messageStart(line, 10, 22)).as("\" msg=\" as the line's last bytes").isEqualTo(22);
    assertThat(Instances.messageStart(line, 10, 21)).as("cut one byte short").isEqualTo(-1);
    assertThat(Instances.messageStart(line("", "instance=a host=b msg"), 0, 21)).isEqualTo(-1);
    assertThat(Instances.messageStart(line("", "instance=a host=bmsg=x"), 0, 22)).as("no space before it")
        .isEqualTo(-1);
  }

  @Test
  void eachReplyCountsOnceAndEachConnectionOncePerInstanceItHeardFrom() {
    Instances loop = new Instances();
    Instances.Tracker first = new Instances.Tracker();
    Instances.Tracker second = new Instances.Tracker();
    byte[] a = line("xx", "pod-a");
    byte[] b = line("", "pod-b");
    byte[] aAgain = line("", "pod-a");
    first.count(loop, a, 2, 5);
    first.count(loop, a, 2, 5);
    first.count(loop, b, 0, 5);
    first.count(loop, aAgain, 0, 5); // back to an instance it heard from already
    second.count(loop, b, 0, 5);
    second.count(loop, line("", "pod-b2"), 0, 6);
    second.count(loop, line("", "pod-b2"), 0, 5); // the same name read to a shorter length

    Map<String, long[]> counts = loop.snapshot();
    assertThat(counts.keySet()).containsExactly("pod-a", "pod-b", "pod-b2");
    assertThat(counts.get("pod-a")).containsExactly(3, 1);
    assertThat(counts.get("pod-b")).containsExactly(3, 2);
    assertThat(counts.get("pod-b2")).containsExactly(1, 1);
  }

  @Test
  void aNameIsReadAsUtf8() {
    Instances loop = new Instances();
    byte[] name = "pod-é".getBytes(UTF_8);
    new Instances.Tracker().count(loop, name, 0, name.length);
    assertThat(loop.snapshot()).containsOnlyKeys("pod-é");
  }

  @Test
  void aSnapshotIsACopyAndMergesAddUp() {
    Instances loop = new Instances();
    Instances.Tracker t = new Instances.Tracker();
    t.count(loop, line("", "pod-a"), 0, 5);
    Map<String, long[]> before = loop.snapshot();
    t.count(loop, line("", "pod-a"), 0, 5);
    assertThat(before.get("pod-a")).as("not changed by later replies").containsExactly(1, 1);
    assertThat(loop.snapshot().get("pod-a")).containsExactly(2, 1);

    Map<String, long[]> sum = new TreeMap<>();
    Instances.merge(sum, Map.of("pod-a", new long[] {2, 1}, "pod-b", new long[] {5, 2}));
    Instances.merge(sum, Map.of("pod-a", new long[] {10, 3}));
    assertThat(sum.keySet()).containsExactly("pod-a", "pod-b");
    assertThat(sum.get("pod-a")).containsExactly(12, 4);
    assertThat(sum.get("pod-b")).containsExactly(5, 2);
  }
}
