package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.JournalRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Encodes and strictly decodes record lines {@code
 * {"seq":N,"prev_hash":"…","hash":"…","event":{…}}}.
 *
 * <p>Decoding matches the exact layout the writer produces rather than parsing generic JSON, so the
 * event text is recovered byte-for-byte as it was hashed and any re-formatting counts as damage.
 */
public final class RecordCodec {
  private static final Pattern LINE =
      Pattern.compile(
          "\\{\"seq\":([1-9][0-9]{0,18}),\"prev_hash\":\"([0-9a-f]{64})\","
              + "\"hash\":\"([0-9a-f]{64})\",\"event\":(\\{.*\\})\\}");
  // A regex rather than a JSON parse: the event may be damaged, and the id is still useful then.
  private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"([^\"\\\\]{1,200})\"");

  private RecordCodec() {}

  public static String encode(JournalRecord record) {
    return "{\"seq\":"
        + record.sequence()
        + ",\"prev_hash\":\""
        + record.prevHash()
        + "\",\"hash\":\""
        + record.hash()
        + "\",\"event\":"
        + record.eventJson()
        + "}";
  }

  /** Returns the record, or null if the line does not have the record layout. */
  public static JournalRecord decode(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      return null;
    }
    long seq;
    try {
      seq = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return null;
    }
    return new JournalRecord(seq, m.group(2), m.group(3), m.group(4));
  }

  /** Best-effort event_id for problem reports; never throws. */
  public static String eventIdOf(String eventJson) {
    Matcher m = EVENT_ID.matcher(eventJson);
    return m.find() ? m.group(1) : "unknown";
  }
}
