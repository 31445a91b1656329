package dev.agentbroker.testkit.splunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The evaluator follows Splunk's documented semantics on the cases the searches depend on. */
class SplSearchTest {
  static final double NOW = 1_796_000_000;

  static Map<String, Object> ev(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("_time", NOW - 60);
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static final List<Map<String, Object>> EVENTS =
      List.of(
          ev("event_id", "a", "action", "token.mint", "details.phase", "intent", "who", "x"),
          ev("event_id", "a", "action", "token.mint", "details.phase", "intent", "who", "x"),
          ev("event_id", "b", "action", "token.mint", "details.phase", "issued", "who", "x"),
          ev("event_id", "c", "action", "Token.Mint", "who", "y"),
          ev("event_id", "d", "action", "verb.add-topic", "repos{}", List.of("r1", "r2")),
          ev("action", "egress.connect", "who", "z"));

  enum Case {
    // field=value is case-insensitive and * is a wildcard.
    TERM_CASE_INSENSITIVE("action=\"token.mint\" | stats count", "count", 4.0),
    WILDCARD("action=\"verb.*\" | stats count", "count", 1.0),
    // field!=value needs the field: the event without details.phase does not match.
    NOT_EQUAL_NEEDS_FIELD(
        "action=\"token.mint\" details.phase!=\"intent\" | stats count", "count", 1.0),
    NOT_TERM_KEEPS_MISSING(
        "action=\"token.mint\" NOT details.phase=\"intent\" | stats count", "count", 2.0),
    OR_GROUPS("(who=x details.phase=issued) OR (who=z) | stats count", "count", 2.0),
    // dedup keeps the first of each event_id and drops events without one.
    DEDUP("action=* | dedup event_id | stats count", "count", 4.0),
    DC("action=* | stats dc(event_id) AS n", "n", 4.0),
    COUNT_FIELD("action=* | stats count(event_id) AS n", "n", 5.0),
    EVAL_IF_SUM(
        "action=* | eval i = if('details.phase'==\"intent\", 1, 0) | stats sum(i) AS n", "n", 2.0),
    WHERE_NOW("action=* | where _time < now() - 30 | stats count", "count", 6.0),
    WHERE_RELATIVE(
        "action=* | where _time >= relative_time(now(), \"-1m@m\") | stats count", "count", 6.0),
    EARLIEST("action=* earliest=-30s | stats count", "count", 0.0);

    final String spl;
    final String column;
    final double expected;

    Case(String spl, String column, double expected) {
      this.spl = spl;
      this.column = column;
      this.expected = expected;
    }
  }

  @ParameterizedTest
  @EnumSource(Case.class)
  void evaluates(Case c) {
    List<Map<String, Object>> out = SplSearch.run(c.spl, EVENTS, NOW);
    assertEquals(1, out.size(), out.toString());
    assertEquals(c.expected, out.get(0).get(c.column), out.toString());
  }

  @Test
  void groupsDropRowsLackingAByFieldAndSplitMultivalues() {
    List<Map<String, Object>> byWho = SplSearch.run("action=* | stats count BY who", EVENTS, NOW);
    assertEquals(List.of("x", "y", "z"), byWho.stream().map(r -> r.get("who")).toList());
    List<Map<String, Object>> byRepo =
        SplSearch.run("action=* | stats count BY repos{}", EVENTS, NOW);
    assertEquals(List.of("r1", "r2"), byRepo.stream().map(r -> r.get("repos{}")).toList());
  }

  enum Unsupported {
    BARE_WORD("error | stats count"),
    UNKNOWN_COMMAND("action=* | rex field=who \"(?<x>.)\""),
    NESTED_AGG("action=* | stats count(eval(who==\"x\")) AS n"),
    UNKNOWN_FUNCTION("action=* | eval x = md5(who)");

    final String spl;

    Unsupported(String spl) {
      this.spl = spl;
    }
  }

  @ParameterizedTest
  @EnumSource(Unsupported.class)
  void anythingElseThrows(Unsupported u) {
    assertThrows(UnsupportedOperationException.class, () -> SplSearch.run(u.spl, EVENTS, NOW));
  }
}
