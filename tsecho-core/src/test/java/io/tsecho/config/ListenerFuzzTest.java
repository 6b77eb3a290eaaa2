package io.tsecho.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** {@code --listen SPEC}, for any text: a listener that reads back as itself, or a message naming the spec. */
class ListenerFuzzTest {

  /** Input: the spec, as UTF-8. */
  @FuzzTest
  void anySpecIsAListenerOrAClearMessage(byte[] input) {
    String spec = new String(input, UTF_8);
    Listener listener;
    try {
      listener = Listener.parse(spec);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).as("message of %s", e).startsWith("listener '" + spec + "'");
      assertThat(e.getMessage().length()).as("more than the spec").isGreaterThan(("listener '" + spec + "'").length() + 2);
      return;
    } catch (RuntimeException e) {
      throw new AssertionError("'" + spec + "' threw " + e + " instead of a message", e);
    }
    assertThat(listener.port()).isBetween(0, 65_535);
    assertThat(listener.host()).as("host: null for every address, else named").isNotEqualTo("").isNotEqualTo("*");
    assertThat(Listener.parse(listener.toString())).as("'%s' written back as '%s'", spec, listener).isEqualTo(listener);
  }
}
