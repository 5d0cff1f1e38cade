package dev.handoff.storage.redis;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a session's {@link AccessRecord access log} is stored in its hash field {@code ax}: a JSON array, oldest
 * record first, instants as epoch nanoseconds, absent addresses and user agents left out (the JDBC store's
 * {@code access_log} column has the same shape). Stateless.
 *
 * <pre>
 * [{"step":"REDEEMED","at":1767225600000000000,"clientAddress":"203.0.113.0/24","userAgent":"Mozilla/5.0 …"}]
 * </pre>
 */
final class AccessLogJson {
  private AccessLogJson() {}

  static String write(List<AccessRecord> log) {
    var json = new ArrayList<Map<String, Object>>(log.size());
    for (AccessRecord record : log) {
      var entry = new LinkedHashMap<String, Object>();
      entry.put("step", record.step().name());
      entry.put("at", EpochNanos.of(record.at()));
      if (record.clientAddress() != null) {
        entry.put("clientAddress", record.clientAddress());
      }
      if (record.userAgent() != null) {
        entry.put("userAgent", record.userAgent());
      }
      json.add(entry);
    }
    return Json.write(json);
  }

  /** @throws IllegalArgumentException or {@link ClassCastException} if {@code text} is not what {@link #write} wrote */
  @SuppressWarnings("unchecked")
  static List<AccessRecord> read(String text) {
    // Json parses objects only at the top level: wrap the array.
    var entries = (List<Map<String, Object>>) Json.parseObject("{\"log\":" + text + "}").get("log");
    var log = new ArrayList<AccessRecord>(entries.size());
    for (Map<String, Object> entry : entries) {
      log.add(new AccessRecord(AccessRecord.Step.valueOf((String) entry.get("step")),
          EpochNanos.toInstant((Long) entry.get("at")), (String) entry.get("clientAddress"),
          (String) entry.get("userAgent")));
    }
    return log;
  }
}
