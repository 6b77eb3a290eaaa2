package io.tsecho.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON reader the log tests rely on must itself tell JSON from what is not. */
class JsonTextTest {
  @Test
  void readsEveryKindOfValue() {
    Map<String, Object> o = JsonText.object(
        " {\"a\":1,\"b\":-2.5e3,\"c\":\"x\\\"y\\\\z\\/\\n\\u0041\",\"d\":[true,false,null],\"e\":{}, \"f\": [] } ");
    assertThat(o).containsOnlyKeys("a", "b", "c", "d", "e", "f");
    assertThat(o.get("a")).isEqualTo(new BigDecimal("1"));
    assertThat(o.get("b")).isEqualTo(new BigDecimal("-2.5e3"));
    assertThat(o.get("c")).isEqualTo("x\"y\\z/\nA");
    assertThat(o.get("d")).isEqualTo(java.util.Arrays.asList(true, false, null));
    assertThat(o.get("e")).isEqualTo(Map.of());
    assertThat(o.get("f")).isEqualTo(List.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "",
    "2026-11-24T13:47:42.123Z INFO  connections - closed",
    "{\"a\":1}{\"b\":2}",
    "{\"a\":1,}",
    "{a:1}",
    "{\"a\":\"tab\there\"}",
    "{\"a\":\"\\q\"}",
    "{\"a\":01}",
    "{\"a\":1,\"a\":2}",
    "[1,2",
    "\"open",
    "nul",
  })
  void rejectsWhatIsNotExactlyOneJsonValue(String text) {
    assertThatThrownBy(() -> JsonText.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
