package dev.handoff.storage.jdbc;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.Json;
import dev.handoff.spi.Recovery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a session's {@link Recovery} links and {@link AccessRecord access log} are stored: each a nullable JSON
 * column ({@code NULL} for {@link Recovery#NONE} and for an empty log), instants as epoch nanoseconds like every
 * other instant of the table, absent addresses and user agents left out. Stateless.
 *
 * <pre>
 * {"recoveredFrom":"csn_1","replacedBy":"csn_3","count":1}
 * [{"step":"REDEEMED","at":1767225600000000000,"clientAddress":"203.0.113.0/24","userAgent":"Mozilla/5.0 …"}]
 * </pre>
 *
 * <p>Written in exactly these shapes and read field by field with {@link JsonCursor} (in any order, unknown fields
 * skipped), since every {@code find} decodes them.
 */
final class LifecycleJson {
  /** The names of the access log's steps, read without a copy (and then looked up by their cached hash). */
  private static final List<String> STEP_NAMES =
      Arrays.stream(AccessRecord.Step.values()).map(Enum::name).toList();

  private LifecycleJson() {}

  static String writeRecovery(Recovery recovery) {
    if (recovery.equals(Recovery.NONE)) {
      return null;
    }
    return "{\"recoveredFrom\":" + Json.write(recovery.recoveredFrom())
        + ",\"replacedBy\":" + Json.write(recovery.replacedBy())
        + ",\"count\":" + recovery.count() + '}';
  }

  static Recovery readRecovery(String text) {
    if (text == null) {
      return Recovery.NONE;
    }
    String recoveredFrom = null;
    String replacedBy = null;
    Long count = null;
    var json = new JsonCursor(text);
    json.beginObject();
    while (json.nextField()) {
      if (json.nameIs("recoveredFrom")) {
        recoveredFrom = json.nullableString();
      } else if (json.nameIs("replacedBy")) {
        replacedBy = json.nullableString();
      } else if (json.nameIs("count")) {
        count = json.longValue();
      } else {
        json.skipValue();
      }
    }
    json.end();
    return new Recovery(recoveredFrom, replacedBy, Math.toIntExact(count));
  }

  static String writeAccessLog(List<AccessRecord> log) {
    if (log.isEmpty()) {
      return null;
    }
    var json = new StringBuilder(log.size() * 200).append('[');
    for (AccessRecord record : log) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append("{\"step\":\"").append(record.step().name())
          .append("\",\"at\":").append(EpochNanos.of(record.at()));
      if (record.clientAddress() != null) {
        json.append(",\"clientAddress\":").append(Json.write(record.clientAddress()));
      }
      if (record.userAgent() != null) {
        json.append(",\"userAgent\":").append(Json.write(record.userAgent()));
      }
      json.append('}');
    }
    return json.append(']').toString();
  }

  static List<AccessRecord> readAccessLog(String text) {
    if (text == null) {
      return List.of();
    }
    // Usually one record (the redemption): then no list to grow and copy, and StoredSession keeps this one.
    AccessRecord first = null;
    ArrayList<AccessRecord> log = null;
    var json = new JsonCursor(text);
    json.beginArray();
    while (json.nextElement()) {
      String step = null;
      Long at = null;
      String clientAddress = null;
      String userAgent = null;
      json.beginObject();
      while (json.nextField()) {
        if (json.nameIs("step")) {
          step = json.string(STEP_NAMES);
        } else if (json.nameIs("at")) {
          at = json.longValue();
        } else if (json.nameIs("clientAddress")) {
          clientAddress = json.nullableString();
        } else if (json.nameIs("userAgent")) {
          userAgent = json.nullableString();
        } else {
          json.skipValue();
        }
      }
      var record = new AccessRecord(AccessRecord.Step.valueOf(step), EpochNanos.toInstant(at), clientAddress,
          userAgent);
      if (first == null) {
        first = record;
      } else {
        if (log == null) {
          log = new ArrayList<>(AccessRecord.MAX_RECORDS);
          log.add(first);
        }
        log.add(record);
      }
    }
    json.end();
    return log != null ? List.copyOf(log) : first != null ? List.of(first) : List.of();
  }
}
