package dev.agentbroker.testkit.splunk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code stats}, {@code eventstats} and {@code timechart}: aggregation by groups. */
final class SplStats {
  private static final Pattern AGG =
      Pattern.compile("(\\w+)(?:\\(([^)]*)\\))?(?:\\s+(?:AS|as)\\s+(\\w+))?\\s*,?\\s*");
  private static final Pattern PERC = Pattern.compile("(?:perc|p)(\\d{1,2})");
  private static final long DEFAULT_TIMECHART_SPAN = 1800;

  private SplStats() {}

  /** One aggregation: function, argument (null for a bare count) and output name. */
  record Agg(String fn, String arg, String name) {}

  /** Parsed {@code <aggs> [BY fields]} with {@code key=value} options pulled out. */
  record Spec(List<Agg> aggs, List<String> by, Map<String, String> options) {}

  static Spec parse(String rest) {
    Map<String, String> options = new LinkedHashMap<>();
    Matcher opt = Pattern.compile("\\b(span)=(\\S+)").matcher(rest);
    while (opt.find()) {
      options.put(opt.group(1), opt.group(2));
    }
    String body = opt.replaceAll(" ").trim();
    String[] parts = body.split("\\s+(?:BY|by)\\s+", 2);
    List<Agg> aggs = new ArrayList<>();
    Matcher m = AGG.matcher(parts[0].trim());
    int at = 0;
    while (at < parts[0].trim().length()) {
      if (!m.find(at) || m.start() != at) {
        throw new UnsupportedOperationException(
            "unsupported aggregation near: " + parts[0].substring(at));
      }
      String fn = m.group(1);
      String arg = m.group(2) == null || m.group(2).isBlank() ? null : m.group(2).trim();
      String name = m.group(3) != null ? m.group(3) : arg == null ? fn : fn + "(" + arg + ")";
      aggs.add(new Agg(fn, arg, name));
      at = m.end();
    }
    List<String> by = new ArrayList<>();
    if (parts.length == 2) {
      for (String f : parts[1].replace(',', ' ').trim().split("\\s+")) {
        by.add(f);
      }
    }
    return new Spec(aggs, by, options);
  }

  static List<Map<String, Object>> stats(List<Map<String, Object>> rows, String rest) {
    Spec spec = parse(rest);
    List<Map<String, Object>> out = new ArrayList<>();
    groups(rows, spec.by())
        .forEach(
            (key, members) -> {
              Map<String, Object> row = new LinkedHashMap<>();
              for (int i = 0; i < spec.by().size(); i++) {
                row.put(spec.by().get(i), key.get(i));
              }
              for (Agg a : spec.aggs()) {
                row.put(a.name(), aggregate(a, members));
              }
              out.add(row);
            });
    if (out.isEmpty() && spec.by().isEmpty()) {
      // Without BY, Splunk answers one row even for no events (count 0).
      Map<String, Object> row = new LinkedHashMap<>();
      spec.aggs().forEach(a -> row.put(a.name(), aggregate(a, List.of())));
      out.add(row);
    }
    return out;
  }

  static List<Map<String, Object>> eventstats(List<Map<String, Object>> rows, String rest) {
    Spec spec = parse(rest);
    Map<List<Object>, Map<String, Object>> results = new LinkedHashMap<>();
    groups(rows, spec.by())
        .forEach(
            (key, members) -> {
              Map<String, Object> agg = new LinkedHashMap<>();
              for (Agg a : spec.aggs()) {
                agg.put(a.name(), aggregate(a, members));
              }
              results.put(key, agg);
            });
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      Map<String, Object> copy = new LinkedHashMap<>(r);
      List<Object> key = spec.by().stream().map(r::get).toList();
      Map<String, Object> agg = results.get(key);
      if (agg != null) {
        copy.putAll(agg);
      }
      out.add(copy);
    }
    return out;
  }

  /**
   * {@code timechart [span=] agg [BY field]}: one row per {@code _time} bucket; with BY, one column
   * per value of the field holding the (single) aggregation.
   */
  static List<Map<String, Object>> timechart(List<Map<String, Object>> rows, String rest) {
    Spec spec = parse(rest);
    long span =
        spec.options().containsKey("span")
            ? SplTime.span(spec.options().get("span"))
            : DEFAULT_TIMECHART_SPAN;
    if (spec.by().size() > 1 || (!spec.by().isEmpty() && spec.aggs().size() != 1)) {
      throw new UnsupportedOperationException("timechart: one BY field with one aggregation only");
    }
    TreeMap<Double, List<Map<String, Object>>> buckets = new TreeMap<>();
    for (Map<String, Object> r : rows) {
      Double t = SplExpr.number(r.get("_time"));
      if (t != null) {
        buckets.computeIfAbsent(Math.floor(t / span) * span, k -> new ArrayList<>()).add(r);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    buckets.forEach(
        (t, members) -> {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("_time", t);
          if (spec.by().isEmpty()) {
            spec.aggs().forEach(a -> row.put(a.name(), aggregate(a, members)));
          } else {
            groups(members, spec.by())
                .forEach(
                    (key, g) ->
                        row.put(String.valueOf(key.get(0)), aggregate(spec.aggs().get(0), g)));
          }
          out.add(row);
        });
    return out;
  }

  /** Rows by their BY values (multivalue fields split), sorted; rows lacking one are dropped. */
  private static Map<List<Object>, List<Map<String, Object>>> groups(
      List<Map<String, Object>> rows, List<String> by) {
    Map<List<Object>, List<Map<String, Object>>> out =
        new TreeMap<>(
            (a, b) -> {
              for (int i = 0; i < a.size(); i++) {
                int c = SplSearch.compareValues(a.get(i), b.get(i));
                if (c != 0) {
                  return c;
                }
              }
              return 0;
            });
    for (Map<String, Object> r : rows) {
      List<List<Object>> keys = new ArrayList<>();
      keys.add(new ArrayList<>());
      for (String f : by) {
        Object v = r.get(f);
        if (v == null) {
          keys.clear();
          break;
        }
        List<?> values = v instanceof List<?> l ? l : List.of(v);
        List<List<Object>> next = new ArrayList<>();
        for (List<Object> k : keys) {
          for (Object value : values) {
            List<Object> nk = new ArrayList<>(k);
            nk.add(value);
            next.add(nk);
          }
        }
        keys = next;
      }
      for (List<Object> k : keys) {
        out.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
      }
    }
    return out;
  }

  private static Object aggregate(Agg a, List<Map<String, Object>> rows) {
    if (a.fn().equals("count") && a.arg() == null) {
      return (double) rows.size();
    }
    if (a.arg() == null) {
      throw new UnsupportedOperationException(a.fn() + " needs a field");
    }
    List<Object> values = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      Object v = r.get(a.arg());
      if (v instanceof List<?> l) {
        values.addAll(l);
      } else if (v != null) {
        values.add(v);
      }
    }
    List<Double> numbers =
        values.stream().map(SplExpr::number).filter(n -> n != null).sorted().toList();
    Matcher perc = PERC.matcher(a.fn());
    if (perc.matches()) {
      if (numbers.isEmpty()) {
        return null;
      }
      int rank = (int) Math.ceil(Integer.parseInt(perc.group(1)) / 100.0 * numbers.size());
      return numbers.get(Math.max(0, rank - 1));
    }
    return switch (a.fn()) {
      case "count" -> (double) values.size();
      case "dc" -> (double) new TreeSet<>(values.stream().map(Object::toString).toList()).size();
      case "values" ->
          new ArrayList<>(new TreeSet<>(values.stream().map(Object::toString).toList()));
      case "sum" ->
          numbers.isEmpty() ? null : numbers.stream().mapToDouble(Double::doubleValue).sum();
      case "avg" ->
          numbers.isEmpty()
              ? null
              : numbers.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      case "min" -> numbers.isEmpty() ? null : numbers.get(0);
      case "max" -> numbers.isEmpty() ? null : numbers.get(numbers.size() - 1);
      default -> throw new UnsupportedOperationException("unsupported aggregation " + a.fn());
    };
  }
}
