package dev.handoff.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void writesCompactEscapedJson() {
    var map = new java.util.LinkedHashMap<String, Object>();
    map.put("s", "a\"b\\c\n\u0001\u2028");
    map.put("n", 1);
    map.put("d", new BigDecimal("1.50"));
    map.put("b", true);
    map.put("z", null);
    map.put("l", List.of(1, "x"));
    map.put("o", Map.of("k", "v"));
    assertThat(Json.write(Json.copyOf(map)))
        .isEqualTo("{\"s\":\"a\\\"b\\\\c\\n\\u0001\\u2028\",\"n\":1,\"d\":1.50,\"b\":true,\"z\":null,"
            + "\"l\":[1,\"x\"],\"o\":{\"k\":\"v\"}}");
  }

  @Test
  void loneSurrogatesAreEscapedSoThatUtf8StorageKeepsThem() {
    var tree = Json.copyOf(Map.of("s", "a\ud800b\ude00", "emoji", "\ud83d\ude00"));
    String text = Json.write(tree);
    assertThat(text).isEqualTo(new String(text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.UTF_8));
    assertThat(Json.parseObject(text)).isEqualTo(tree);
  }

  @Test
  void parsesWhatOtherWritersProduce() {
    var parsed = Json.parseObject(" { \"a\" : [ 1 , -2.5e3 , \"\\u00e9\\/\" ] , \"b\" : { } , \"c\":false } ");
    assertThat(parsed).containsEntry("a", List.of(1L, new BigDecimal("-2.5e3"), "é/"))
        .containsEntry("b", Map.of()).containsEntry("c", false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "1", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{\"a\":01}",
      "{\"a\":1}x", "{\"a\":1,\"a\":2}", "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\u0001\"}", "{\"a\":-}",
      "{\"a\":1.}", "{\"a\":1e}", "{\"a\":NaN}"})
  void rejectsMalformedJson(String text) {
    assertThatThrownBy(() -> Json.parseObject(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsDeepNestingWithoutStackOverflow() {
    String deep = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
    assertThatThrownBy(() -> Json.parseObject(deep)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nesting");
    String deepArray = "{\"a\":" + "[".repeat(100_000);
    assertThatThrownBy(() -> Json.parseObject(deepArray)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void copyRejectsWhatIsNotJson() {
    assertThatThrownBy(() -> Json.copyOf(Map.of("x", new Object()))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.copyOf(Map.of("x", Double.NaN))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.copyOf(Map.of("x", Map.of(1, "y")))).isInstanceOf(IllegalArgumentException.class);
    // What copyOf accepts, parseObject must accept back: the same number length limit on both sides.
    assertThatThrownBy(() -> Json.copyOf(Map.of("x", new BigDecimal("1".repeat(Json.MAX_NUMBER_LENGTH + 1)))))
        .isInstanceOf(IllegalArgumentException.class);
    var longest = new BigDecimal("1".repeat(Json.MAX_NUMBER_LENGTH));
    assertThat(Json.parseObject(Json.write(Json.copyOf(Map.of("x", longest))))).containsEntry("x", longest);
    var withNull = new HashMap<String, Object>();
    withNull.put("x", Arrays.asList(1, null));
    assertThat(Json.copyOf(withNull)).isEqualTo(Map.of("x", Arrays.asList(1L, null)));
  }

  @Test
  void ownTreesAreNotCopiedAgainButBehaveAsCopies() {
    var parsed = Json.parseObject("{\"plan\":\"pln_1\",\"n\":{\"m\":[1,2]}}");
    var copied = Json.copyOf(Map.of("plan", "pln_1"));
    assertThat(Json.copyOf(parsed)).isSameAs(parsed);
    assertThat(Json.copyOf(copied)).isSameAs(copied);
    var plain = new LinkedHashMap<String, Object>();
    plain.put("plan", "pln_1");
    plain.put("n", Map.of("m", List.of(1L, 2L)));
    assertThat(parsed).isEqualTo(plain).hasSameHashCodeAs(plain).hasToString(plain.toString());
    assertThat(plain).isEqualTo(parsed);
    assertThat(parsed.keySet()).containsExactly("plan", "n");
    assertThatThrownBy(() -> parsed.put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> parsed.entrySet().iterator().next().setValue("y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> parsed.keySet().clear()).isInstanceOf(UnsupportedOperationException.class);
    // Nested in a caller's tree, the depth is still counted whole.
    Map<String, Object> deep = Json.parseObject("{\"a\":".repeat(Json.MAX_DEPTH) + "1" + "}".repeat(Json.MAX_DEPTH));
    assertThatThrownBy(() -> Json.copyOf(Map.of("x", Map.of("y", deep)))).isInstanceOf(IllegalArgumentException.class);
  }
}
