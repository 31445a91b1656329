package dev.agentbroker.testkit.splunk;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small, strict evaluator for the SPL subset that docs/splunk's searches use, so a test can run a
 * dashboard panel or saved search over real audit events and check what it counts. Splunk itself
 * cannot run here; this follows Splunk's documented semantics for each command it supports and
 * throws {@link UnsupportedOperationException} for anything else, so a search that outgrows it
 * fails the test rather than being evaluated wrongly.
 *
 * <p>Supported: the base search ({@code field=value} / {@code field!=value} terms, {@code *}
 * wildcards, case-insensitive values, {@code earliest=}/{@code latest=}); {@code dedup} (events
 * lacking a field are dropped, keep-first); {@code eval}; {@code where}; {@code stats}, {@code
 * eventstats} and {@code timechart} with {@code count, dc, sum, min, max, avg, values, percNN} and
 * {@code BY} (rows lacking a BY field are dropped, as Splunk does); {@code bin _time span=}; {@code
 * table}, {@code fields}, {@code sort}. Known simplifications: {@code timechart} returns only
 * buckets that hold events (Splunk also fills empty ones with 0) and defaults to a 30-minute span;
 * {@code percNN} is nearest-rank (Splunk's is approximate for large sets).
 */
public final class SplSearch {

  private SplSearch() {}

  /**
   * Runs {@code spl} over {@code events} (each a flat field map, see {@link #event}); {@code now}
   * (epoch seconds) anchors {@code now()}, {@code earliest} and {@code latest}.
   */
  public static List<Map<String, Object>> run(
      String spl, List<Map<String, Object>> events, double now) {
    List<String> segments = SplTokens.splitPipes(spl);
    List<Map<String, Object>> rows = SplBaseSearch.filter(segments.get(0), events, now);
    for (String segment : segments.subList(1, segments.size())) {
      String seg = segment.trim();
      String command = seg.split("\\s+", 2)[0];
      String rest = seg.substring(command.length()).trim();
      rows =
          switch (command) {
            case "dedup" -> dedup(rows, fieldList(rest));
            case "eval" -> eval(rows, rest, now);
            case "where" ->
                rows.stream().filter(r -> SplExpr.truthy(SplExpr.eval(rest, r, now))).toList();
            case "stats" -> SplStats.stats(rows, rest);
            case "eventstats" -> SplStats.eventstats(rows, rest);
            case "timechart" -> SplStats.timechart(rows, rest);
            case "bin" -> bin(rows, rest);
            case "table", "fields" -> project(rows, fieldList(rest));
            case "sort" -> sort(rows, rest);
            default -> throw new UnsupportedOperationException("unsupported command " + command);
          };
    }
    return rows;
  }

  /**
   * One event as Splunk's {@code KV_MODE=json} extraction names its fields: nested objects as
   * {@code a.b}, arrays as multivalue {@code name{}}, numbers as numbers; plus {@code _time},
   * {@code _indextime}, {@code host}, {@code index}, {@code sourcetype} from the HEC envelope.
   */
  public static Map<String, Object> event(
      JsonNode json, double time, double indexTime, String host, String index, String sourcetype) {
    Map<String, Object> out = new LinkedHashMap<>();
    flatten("", json, out);
    out.put("_time", time);
    out.put("_indextime", indexTime);
    out.put("host", host);
    out.put("index", index);
    out.put("sourcetype", sourcetype);
    return out;
  }

  private static void flatten(String prefix, JsonNode n, Map<String, Object> out) {
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> flatten(prefix + e.getKey() + ".", e.getValue(), out));
      return;
    }
    String name = prefix.substring(0, prefix.length() - 1);
    if (n.isArray()) {
      List<String> values = new ArrayList<>();
      n.elements().forEachRemaining(v -> values.add(v.asText()));
      out.put(name + "{}", values);
    } else if (n.isNumber()) {
      out.put(name, n.asDouble());
    } else if (!n.isNull()) {
      out.put(name, n.asText());
    }
  }

  private static List<String> fieldList(String rest) {
    List<String> out = new ArrayList<>();
    for (String f : rest.replace(',', ' ').trim().split("\\s+")) {
      if (!f.isEmpty()) {
        out.add(f);
      }
    }
    return out;
  }

  private static List<Map<String, Object>> dedup(
      List<Map<String, Object>> rows, List<String> fields) {
    Set<List<Object>> seen = new HashSet<>();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      List<Object> key = fields.stream().map(r::get).toList();
      if (key.stream().noneMatch(v -> v == null) && seen.add(key)) {
        out.add(r);
      }
    }
    return out;
  }

  private static List<Map<String, Object>> eval(
      List<Map<String, Object>> rows, String rest, double now) {
    List<String> assignments = SplTokens.splitTopLevelCommas(rest);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      Map<String, Object> copy = new LinkedHashMap<>(r);
      for (String a : assignments) {
        int eq = a.indexOf('=');
        String name = a.substring(0, eq).trim();
        Object v = SplExpr.eval(a.substring(eq + 1), copy, now);
        if (v == null) {
          copy.remove(name);
        } else {
          copy.put(name, v instanceof Boolean ? v.toString() : v);
        }
      }
      out.add(copy);
    }
    return out;
  }

  private static List<Map<String, Object>> bin(List<Map<String, Object>> rows, String rest) {
    String field = null;
    long span = 0;
    for (String part : rest.split("\\s+")) {
      if (part.startsWith("span=")) {
        span = SplTime.span(part.substring(5));
      } else {
        field = part;
      }
    }
    if (field == null || span == 0) {
      throw new UnsupportedOperationException("bin needs a field and span=");
    }
    String f = field;
    long s = span;
    return rows.stream()
        .map(
            r -> {
              Map<String, Object> copy = new LinkedHashMap<>(r);
              Double v = SplExpr.number(r.get(f));
              if (v != null) {
                copy.put(f, Math.floor(v / s) * s);
              }
              return copy;
            })
        .toList();
  }

  private static List<Map<String, Object>> project(
      List<Map<String, Object>> rows, List<String> fields) {
    return rows.stream()
        .map(
            r -> {
              Map<String, Object> out = new LinkedHashMap<>();
              fields.forEach(f -> out.put(f, r.get(f)));
              return out;
            })
        .toList();
  }

  private static List<Map<String, Object>> sort(List<Map<String, Object>> rows, String rest) {
    Comparator<Map<String, Object>> order = null;
    boolean descending = false;
    for (String part :
        rest.replace(",", " ").replace("-", " - ").replace("+", " + ").trim().split("\\s+")) {
      if (part.equals("-") || part.equals("+")) {
        descending = part.equals("-");
        continue;
      }
      if (part.matches("\\d+")) {
        continue; // a result limit; the committed searches never reach one
      }
      Comparator<Map<String, Object>> c =
          Comparator.comparing(r -> r.get(part), SplSearch::compareValues);
      c = descending ? c.reversed() : c;
      order = order == null ? c : order.thenComparing(c);
      descending = false;
    }
    if (order == null) {
      throw new UnsupportedOperationException("sort needs a field");
    }
    List<Map<String, Object>> out = new ArrayList<>(rows);
    out.sort(order);
    return out;
  }

  static int compareValues(Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    Double x = SplExpr.number(a);
    Double y = SplExpr.number(b);
    return x != null && y != null ? Double.compare(x, y) : a.toString().compareTo(b.toString());
  }
}
