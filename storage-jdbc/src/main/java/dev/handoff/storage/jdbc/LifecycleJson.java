package dev.handoff.storage.jdbc;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.Json;
import dev.handoff.spi.Recovery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a session's {@link Recovery} links and {@link AccessRecord access log} are stored: each a nullable JSON
 * column ({@code NULL} for {@link Recovery#NONE} and for an empty log), instants as epoch nanoseconds like every
 * other instant of the table, absent addresses and user agents left out. Stateless.
 *
 * <pre>
 * {"recoveredFrom":"csn_1","replacedBy":"csn_3","count":1}
 * [{"step":"REDEEMED","at":1767225600000000000,"clientAddress":"203.0.113.0/24","userAgent":"Mozilla/5.0 …"}]
 * </pre>
 */
final class LifecycleJson {
  private LifecycleJson() {}

  static String writeRecovery(Recovery recovery) {
    if (recovery.equals(Recovery.NONE)) {
      return null;
    }
    var json = new LinkedHashMap<String, Object>();
    json.put("recoveredFrom", recovery.recoveredFrom());
    json.put("replacedBy", recovery.replacedBy());
    json.put("count", recovery.count());
    return Json.write(json);
  }

  static Recovery readRecovery(String text) {
    if (text == null) {
      return Recovery.NONE;
    }
    Map<String, Object> json = Json.parseObject(text);
    return new Recovery((String) json.get("recoveredFrom"), (String) json.get("replacedBy"),
        Math.toIntExact((Long) json.get("count")));
  }

  static String writeAccessLog(List<AccessRecord> log) {
    if (log.isEmpty()) {
      return null;
    }
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

  @SuppressWarnings("unchecked")
  static List<AccessRecord> readAccessLog(String text) {
    if (text == null) {
      return List.of();
    }
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
