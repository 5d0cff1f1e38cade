package dev.handoff.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Stores persist JSON-shaped values as text: what they write must parse back to an equal value. */
class JsonProperties {

  @Provide
  Arbitrary<Map<String, Object>> objects() {
    return object(3);
  }

  private Arbitrary<Map<String, Object>> object(int depth) {
    return Arbitraries.maps(Arbitraries.strings().ofMaxLength(12), value(depth)).ofMaxSize(5);
  }

  private Arbitrary<Object> value(int depth) {
    var leaves = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
        Arbitraries.strings().all().ofMaxLength(8).map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.bigDecimals().between(new BigDecimal("-1e15"), new BigDecimal("1e15")).ofScale(4).map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just(null));
    if (depth == 0) {
      return leaves;
    }
    return Arbitraries.oneOf(leaves,
        Arbitraries.lazy(() -> object(depth - 1)).map(m -> (Object) m),
        Arbitraries.lazy(() -> value(depth - 1)).list().ofMaxSize(4).map(l -> (Object) l));
  }

  @Property(tries = 500)
  void writtenJsonParsesBackToTheCopy(@ForAll("objects") Map<String, Object> tree) {
    var copy = Json.copyOf(tree);
    assertThat(Json.parseObject(Json.write(copy))).isEqualTo(copy);
    assertThat(Json.copyOf(copy)).isEqualTo(copy);
  }

  @Provide
  Arbitrary<Object> values() {
    return value(3);
  }

  @Property(tries = 500)
  void anyWrittenValueParsesBackToTheCopy(@ForAll("values") Object value) {
    var holder = new HashMap<String, Object>();
    holder.put("v", value);
    Object copy = Json.copyOf(holder).get("v");
    assertThat(Json.parse(Json.write(copy))).isEqualTo(copy);
    assertThat(Json.parse(" " + Json.write(copy) + "\n")).isEqualTo(copy);
  }

  @Property(tries = 300)
  void garbageValuesAreRejectedWithIllegalArgumentOnly(@ForAll String text) {
    try {
      Object parsed = Json.parse(text);
      assertThat(Json.parse(Json.write(parsed))).isEqualTo(parsed);
    } catch (IllegalArgumentException expected) {
      assertThat(expected).hasMessageStartingWith("invalid JSON");
    }
  }

  @Property(tries = 200)
  void copiesAreUnmodifiable(@ForAll("objects") Map<String, Object> tree) {
    var copy = Json.copyOf(tree);
    assertThatThrownBy(() -> copy.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Property(tries = 300)
  void garbageIsRejectedWithIllegalArgumentOnly(@ForAll String text) {
    try {
      var parsed = Json.parseObject(text);
      assertThat(Json.parseObject(Json.write(parsed))).isEqualTo(parsed);
    } catch (IllegalArgumentException expected) {
      assertThat(expected).hasMessageStartingWith("invalid JSON");
    }
  }

  @Property(tries = 50)
  void numbersAreNormalized(@ForAll int i, @ForAll long l) {
    assertThat(Json.copyOf(Map.of("n", i)).get("n")).isEqualTo((long) i);
    assertThat(Json.copyOf(Map.of("n", new BigDecimal(l))).get("n")).isEqualTo(l);
    assertThat(Json.parseObject("{\"n\":" + l + "}").get("n")).isEqualTo(l);
    assertThat(Json.parseObject("{\"n\":" + l + ".0}").get("n")).isEqualTo(new BigDecimal(l + ".0"));
    assertThat(List.of()).isEmpty();
  }
}
