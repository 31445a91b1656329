package dev.agentbroker.audit.hec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.audit.AuditEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every field the Splunk dashboard and saved searches query must exist in the event schema (or be
 * an HEC/Splunk built-in, or be computed earlier in the same search), so a renamed field breaks the
 * build instead of silently emptying a panel.
 */
class SplunkContentTest {
  private static final Path SPLUNK = Path.of("..", "docs", "splunk");
  private static final Set<String> BUILT_IN =
      Set.of("_time", "_indextime", "index", "sourcetype", "source", "host", "count");

  /** Added by the shipper to each event: the journal's chain position. */
  private static final Set<String> CHAIN = Set.of("seq", "prev_hash", "hash");

  /** Map-valued event fields whose keys are addressed as {@code name.key}. */
  private static final Set<String> MAPS = Set.of("details", "permissions");

  private static final Set<String> KEYWORDS =
      Set.of("AND", "OR", "NOT", "true", "false", "null", "BY", "AS", "by", "as");
  private static final Pattern IDENT = Pattern.compile("[A-Za-z_][\\w.{}]*");

  static Set<String> schemaFields() {
    Set<String> fields = new HashSet<>();
    for (var c : AuditEvent.class.getRecordComponents()) {
      fields.add(c.getName().replaceAll("([A-Z])", "_$1").toLowerCase());
    }
    return fields;
  }

  @Test
  void everyQueriedFieldExistsInTheEventSchema() throws IOException {
    Map<String, String> searches = new LinkedHashMap<>();
    JsonNode dashboard = new ObjectMapper().readTree(SPLUNK.resolve("dashboard.json").toFile());
    dashboard
        .get("dataSources")
        .fields()
        .forEachRemaining(
            e -> searches.put(e.getKey(), e.getValue().at("/options/query").asText()));
    searches.putAll(savedSearches(SPLUNK.resolve("savedsearches.conf")));
    assertTrue(searches.size() >= 10, searches.keySet().toString());

    Set<String> allowed = new HashSet<>(schemaFields());
    allowed.addAll(CHAIN);
    allowed.addAll(BUILT_IN);
    List<String> problems = new ArrayList<>();
    for (var e : searches.entrySet()) {
      for (String unknown : unknownFields(e.getValue(), allowed)) {
        problems.add(e.getKey() + ": " + unknown);
      }
    }
    assertEquals(List.of(), problems);
    for (var viz : iterable(dashboard.get("visualizations"))) {
      String ds = viz.at("/dataSources/primary").asText();
      assertTrue(dashboard.get("dataSources").has(ds), "visualization uses missing " + ds);
    }
  }

  /**
   * Shipping is at-least-once, so a search that counts or lists events must count each event_id
   * once. Only the shipping-health searches look at raw deliveries (they count dc(seq)). The
   * behaviour itself is checked by running the searches: broker-tier-a's SplunkSearchesTest.
   */
  @Test
  void everyCountingSearchCountsEachEventIdOnce() throws IOException {
    Set<String> deliveryHealth = Set.of("ds_backlog", "ds_gaps", "agent-broker - shipping lag");
    List<String> missing = new ArrayList<>();
    Map<String, String> all = new LinkedHashMap<>();
    new ObjectMapper()
        .readTree(SPLUNK.resolve("dashboard.json").toFile())
        .get("dataSources")
        .fields()
        .forEachRemaining(e -> all.put(e.getKey(), e.getValue().at("/options/query").asText()));
    all.putAll(savedSearches(SPLUNK.resolve("savedsearches.conf")));
    all.forEach(
        (name, spl) -> {
          boolean once = spl.contains("| dedup event_id") || spl.contains("dc(event_id)");
          if (!once && !deliveryHealth.contains(name)) {
            missing.add(name);
          }
        });
    assertEquals(List.of(), missing, "searches without dedup event_id / dc(event_id)");
    assertTrue(all.keySet().containsAll(deliveryHealth), "the exemptions still exist");
  }

  @Test
  void theCheckerCatchesAnUnknownField() {
    Set<String> allowed = new HashSet<>(schemaFields());
    allowed.addAll(BUILT_IN);
    String spl =
        "index=audit action=\"token.mint\" bogus_a=1 | eval x = bogus_b + 1"
            + " | stats count(bogus_c) AS n BY reason bogus_d | where n > 1 AND x > 2";
    assertEquals(Set.of("bogus_a", "bogus_b", "bogus_c", "bogus_d"), unknownFields(spl, allowed));
    assertEquals(
        Set.of(), unknownFields("index=a details.host=x | table permissions.contents", allowed));
  }

  /** Field references of a (subset of) SPL pipeline that are neither allowed nor defined. */
  static Set<String> unknownFields(String spl, Set<String> allowed) {
    String s = spl.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("'([^']*)'", "$1");
    s = s.replaceAll("\\$[^$]*\\$", "0");
    Set<String> defined = new HashSet<>();
    Set<String> refs = new TreeSet<>();
    for (String segment : s.split("\\|")) {
      String seg = segment.trim();
      String command = seg.split("\\s+")[0];
      String rest = seg.substring(command.length());
      switch (command) {
        case "eval":
          for (String assignment : topLevelCommaSplit(rest)) {
            int eq = assignment.indexOf('=');
            defined.add(assignment.substring(0, eq).trim());
            refs.addAll(identifiers(assignment.substring(eq + 1)));
          }
          break;
        case "where":
          refs.addAll(identifiers(rest));
          break;
        case "stats":
        case "eventstats":
        case "timechart":
        case "chart":
          statsFields(rest, refs, defined);
          break;
        case "table":
        case "fields":
        case "sort":
          for (String f : rest.replaceAll("[-+,]", " ").trim().split("\\s+")) {
            if (!f.isEmpty() && !f.matches("\\d+")) {
              refs.add(f);
            }
          }
          break;
        case "bin":
          refs.addAll(identifiers(rest.replaceAll("\\w+=\\S+", "")));
          break;
        default:
          // The base search: field=value / field!=value terms.
          Matcher m = Pattern.compile("([A-Za-z_][\\w.{}]*)\\s*!?=").matcher(seg);
          while (m.find()) {
            if (!m.group(1).equals("earliest") && !m.group(1).equals("latest")) {
              refs.add(m.group(1));
            }
          }
      }
    }
    Set<String> unknown = new TreeSet<>();
    for (String ref : refs) {
      String base = ref.replace("{}", "");
      int dot = base.indexOf('.');
      boolean ok =
          dot > 0
              ? MAPS.contains(base.substring(0, dot))
              : allowed.contains(base) || defined.contains(base);
      if (!ok) {
        unknown.add(ref);
      }
    }
    return unknown;
  }

  /** Splits at commas outside parentheses (an eval's assignments; nested calls stay whole). */
  private static List<String> topLevelCommaSplit(String text) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (c == ',' && depth == 0) {
        out.add(text.substring(start, i));
        start = i + 1;
      }
    }
    out.add(text.substring(start));
    return out;
  }

  private static void statsFields(String rest, Set<String> refs, Set<String> defined) {
    String body = rest.replaceAll("\\b\\w+=\\S+", " ");
    Matcher fn = Pattern.compile("\\w+\\(([^)]*)\\)(?:\\s+AS\\s+(\\w+))?").matcher(body);
    while (fn.find()) {
      refs.addAll(identifiers(fn.group(1)));
      if (fn.group(2) != null) {
        defined.add(fn.group(2));
      }
    }
    Matcher alias = Pattern.compile("\\bAS\\s+(\\w+)").matcher(body);
    while (alias.find()) {
      defined.add(alias.group(1));
    }
    String[] byParts = body.split("\\bBY\\b|\\bby\\b", 2);
    if (byParts.length == 2) {
      refs.addAll(identifiers(byParts[1]));
    }
  }

  private static Set<String> identifiers(String expr) {
    Set<String> out = new HashSet<>();
    Matcher m = IDENT.matcher(expr.replaceAll("\\b\\d+(\\.\\d+)?\\b", " "));
    while (m.find()) {
      String id = m.group();
      boolean isCall = expr.substring(m.end()).stripLeading().startsWith("(");
      if (!isCall && !KEYWORDS.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }

  private static Map<String, String> savedSearches(Path conf) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    String text = Files.readString(conf).replaceAll("\\\\\\r?\\n", " ");
    String stanza = null;
    for (String line : text.split("\\r?\\n")) {
      if (line.startsWith("[")) {
        stanza = line.substring(1, line.indexOf(']'));
      } else if (line.startsWith("search = ") && stanza != null) {
        out.put(stanza, line.substring("search = ".length()));
      }
    }
    return out;
  }

  private static List<JsonNode> iterable(JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    node.elements().forEachRemaining(out::add);
    return Arrays.asList(out.toArray(new JsonNode[0]));
  }
}
