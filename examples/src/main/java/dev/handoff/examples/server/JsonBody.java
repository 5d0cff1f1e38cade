package dev.handoff.examples.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.examples.server.RequestRejected.Reason;
import dev.handoff.spi.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON object from a request body, read field by field with the checks every API needs: a JSON {@code null}
 * counts as absent, a value of the wrong type or an unknown field is a {@link RequestRejected} naming its path.
 */
final class JsonBody {
  /** Strict parsing: duplicate keys, trailing garbage and nesting deeper than the engine accepts are malformed. */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(Json.MAX_DEPTH).maxNumberLength(Json.MAX_NUMBER_LENGTH)
            .build());
  }

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final ObjectNode node;
  private final List<String> path;

  private JsonBody(ObjectNode node, List<String> path) {
    this.node = node;
    this.path = path;
  }

  /** Parses a request body that must be one JSON object. */
  static JsonBody parse(byte[] body) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(body);
    } catch (JacksonException e) {
      // Jackson's message quotes the input; ours names only the position.
      var at = e.getLocation();
      throw new RequestRejected(Reason.MALFORMED_BODY, List.of(), "the body is not valid JSON"
          + (at == null ? "" : " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new RequestRejected(Reason.MALFORMED_BODY, List.of(), "the body could not be read");
    }
    if (tree == null || tree.isMissingNode()) {
      throw new RequestRejected(Reason.MALFORMED_BODY, List.of(), "a JSON object body is required");
    }
    if (!tree.isObject()) {
      throw new RequestRejected(Reason.MALFORMED_BODY, List.of(), "the body must be a JSON object");
    }
    return new JsonBody((ObjectNode) tree, List.of());
  }

  /** An empty object, for APIs whose body is optional. */
  static JsonBody empty() {
    return new JsonBody(MAPPER.createObjectNode(), List.of());
  }

  /** Refuses every field not in {@code allowed}, naming the first. */
  JsonBody allowOnly(Collection<String> allowed) {
    var names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new RequestRejected(Reason.UNKNOWN_FIELD, at(name), pathOf(name) + " is not a known field");
      }
    }
    return this;
  }

  /** Whether the field is present and not {@code null}. */
  boolean has(String name) {
    JsonNode value = node.get(name);
    return value != null && !value.isNull();
  }

  Optional<String> string(String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw wrongType(name, "a string");
    }
    return Optional.of(value.textValue());
  }

  String requiredString(String name) {
    return string(name).orElseThrow(() -> missing(name));
  }

  Optional<Boolean> bool(String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw wrongType(name, "a boolean");
    }
    return Optional.of(value.booleanValue());
  }

  /** A nested object, read with the same rules and a longer path. */
  Optional<JsonBody> object(String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isObject()) {
      throw wrongType(name, "an object");
    }
    return Optional.of(new JsonBody((ObjectNode) value, at(name)));
  }

  JsonBody requiredObject(String name) {
    return object(name).orElseThrow(() -> missing(name));
  }

  /** A list of strings. */
  Optional<List<String>> strings(String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isArray()) {
      throw wrongType(name, "an array of strings");
    }
    var result = new ArrayList<String>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw wrongType(name, "an array of strings");
      }
      result.add(item.textValue());
    }
    return Optional.of(List.copyOf(result));
  }

  /** This object as a JSON-shaped map (numbers as {@code Integer}/{@code Long}/{@code BigDecimal}). */
  Map<String, Object> toMap() {
    return MAPPER.convertValue(node, MAP);
  }

  /** The path of a field of this object, dotted, for messages. */
  String pathOf(String name) {
    return String.join(".", at(name));
  }

  RequestRejected missing(String name) {
    return new RequestRejected(Reason.MISSING, at(name), pathOf(name) + " is required");
  }

  RequestRejected invalid(String name, String why) {
    return new RequestRejected(Reason.INVALID_VALUE, at(name), pathOf(name) + " " + why);
  }

  private RequestRejected wrongType(String name, String expected) {
    return new RequestRejected(Reason.WRONG_TYPE, at(name), pathOf(name) + " must be " + expected);
  }

  private List<String> at(String name) {
    var location = new ArrayList<>(path);
    location.add(name);
    return location;
  }
}
