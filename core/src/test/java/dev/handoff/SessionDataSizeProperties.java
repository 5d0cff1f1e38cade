package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The size limit counts exactly the UTF-8 bytes of the compact JSON that {@link Json#write} produces. */
class SessionDataSizeProperties {

  @Provide
  Arbitrary<Map<String, Object>> trees() {
    return objects(3);
  }

  private static Arbitrary<Map<String, Object>> objects(int depth) {
    return Arbitraries.maps(strings(), values(depth)).ofMaxSize(4).map(Json::copyOf);
  }

  private static Arbitrary<Object> values(int depth) {
    Arbitrary<Object> leaves = Arbitraries.oneOf(strings().map(s -> s), Arbitraries.longs().map(l -> l),
        Arbitraries.of(true, false).map(b -> b), Arbitraries.bigDecimals().between(BigDecimal.valueOf(-1e12), BigDecimal.valueOf(1e12)).ofScale(3).map(b -> b),
        Arbitraries.just(null));
    if (depth == 0) {
      return leaves;
    }
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, leaves),
        net.jqwik.api.Tuple.of(1, objects(depth - 1).map(m -> m)),
        net.jqwik.api.Tuple.of(1, values(depth - 1).list().ofMaxSize(4).map(l -> l)));
  }

  /** Every character: quotes, backslashes, controls, U+2028/9, lone and paired surrogates, 2- and 3-byte ones. */
  private static Arbitrary<String> strings() {
    return Arbitraries.strings().all().ofMaxLength(12);
  }

  @Property(tries = 500)
  void countsTheBytesJsonWriteProduces(@ForAll("trees") Map<String, Object> tree) {
    long written = Json.write(tree).getBytes(StandardCharsets.UTF_8).length;

    assertThat(SessionDataSize.jsonBytes(tree)).isEqualTo(written);
  }
}
