package dev.agentbroker.policy.internal;

import dev.agentbroker.policy.EgressPolicy;
import dev.agentbroker.policy.GitHubPermissions;
import dev.agentbroker.policy.GrantRule;
import dev.agentbroker.policy.IdentityRule;
import dev.agentbroker.policy.PolicyException;
import dev.agentbroker.policy.Profile;
import dev.agentbroker.policy.ProfileSettings;
import dev.agentbroker.policy.VerbRule;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Parses policy YAML and compiles it into rule records: syntax, then structure ({@link
 * YamlWalker}), then values and references. All problems are collected and thrown together.
 */
public final class RuleCompiler {
  private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");
  private static final Pattern POSITIVE = Pattern.compile("[1-9][0-9]{0,17}");
  private static final int MAX_CODE_POINTS = 1 << 20;

  /** Everything {@code CompiledPolicy} is built from. */
  public record Result(
      List<IdentityRule> identities,
      Map<String, VerbRule> verbs,
      EgressPolicy egress,
      Map<Profile, ProfileSettings> settings) {}

  private final Problems problems;
  private final Values values;

  private RuleCompiler(Problems problems) {
    this.problems = problems;
    this.values = new Values(problems);
  }

  public static Result compile(String yaml, String sourceName) throws PolicyException {
    Problems problems = new Problems(sourceName);
    Node root = parse(yaml, problems);
    if (root == null) {
      if (problems.isEmpty()) {
        problems.add(0, 0, "", "policy is empty");
      }
      throw problems.exception();
    }
    Wire.Policy wire = new YamlWalker(problems).walk(root);
    if (wire == null) {
      throw problems.exception();
    }
    RuleCompiler c = new RuleCompiler(problems);
    c.version(wire.version());
    Map<Profile, ProfileSettings> settings = c.settings(wire.profiles());
    Map<String, Integer> idLines = new HashMap<>();
    List<IdentityRule> identities = c.identities(wire.identities(), idLines);
    SectionCompiler sections = new SectionCompiler(c.values);
    Map<String, VerbRule> verbs = sections.verbs(wire.verbs(), idLines.keySet());
    EgressPolicy egress = sections.egress(wire.egress());
    if (!problems.isEmpty()) {
      throw problems.exception();
    }
    return new Result(identities, verbs, egress, settings);
  }

  private static Node parse(String yaml, Problems problems) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CODE_POINTS);
    // Composing does not construct objects, but keep SnakeYAML's own guards tight anyway.
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    Yaml parser = new Yaml(options);
    try {
      // Aliases are found on the event stream because only there do they have their own
      // position; the composed tree just points at the anchored node again.
      for (Event event : parser.parse(new StringReader(yaml))) {
        if (event instanceof AliasEvent) {
          Mark m = event.getStartMark();
          problems.add(
              m.getLine() + 1,
              m.getColumn() + 1,
              "",
              "YAML aliases are not allowed (*" + ((AliasEvent) event).getAnchor() + ")");
        }
      }
      return parser.compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
      String context = e.getContext() != null ? e.getContext() + ": " : "";
      if (m == null) {
        problems.add(0, 0, "", "YAML error: " + context + what);
      } else {
        problems.add(m.getLine() + 1, m.getColumn() + 1, "", "YAML error: " + context + what);
      }
      return null;
    } catch (YAMLException e) {
      problems.add(0, 0, "", "YAML error: " + e.getMessage());
      return null;
    }
  }

  private void version(Wire.Scalar s) {
    if (s != null && !(s.kind() == Wire.Kind.INT && s.text().equals("1"))) {
      values.problem(s, "unsupported version '" + s.text() + "' (expected 1)");
    }
  }

  private Map<Profile, ProfileSettings> settings(List<Wire.ProfileOverride> overrides) {
    Map<Profile, ProfileSettings> out = new EnumMap<>(Profile.class);
    for (Profile p : Profile.values()) {
      out.put(p, ProfileSettings.defaults(p));
    }
    for (Wire.ProfileOverride o : overrides) {
      Optional<Profile> p = Profile.fromWire(o.name().text());
      if (p.isEmpty()) {
        continue; // already reported as an unknown key
      }
      ProfileSettings d = out.get(p.get());
      Integer max = values.integer(o.maxRepos(), 1, 500);
      Integer maxWrite = values.integer(o.maxWriteRepos(), 1, 500);
      Boolean narrow = values.bool(o.narrow());
      out.put(
          p.get(),
          new ProfileSettings(
              p.get(),
              max != null ? max : d.maxRepositoriesPerToken(),
              maxWrite != null ? maxWrite : d.maxWriteRepositoriesPerToken(),
              narrow != null ? narrow : d.narrowToCeiling()));
    }
    return out;
  }

  private List<IdentityRule> identities(List<Wire.Identity> wires, Map<String, Integer> idLines) {
    List<IdentityRule> out = new ArrayList<>();
    for (Wire.Identity w : wires) {
      String id = values.matching(w.id(), Values.ID, "a valid id (" + Values.ID.pattern() + ")");
      if (w.id() != null && w.id().kind() != Wire.Kind.NULL) {
        Integer first = idLines.putIfAbsent(w.id().text(), w.id().loc().line());
        if (first != null) {
          values.problem(
              w.id(),
              "duplicate identity id '" + w.id().text() + "' (first at line " + first + ")");
        }
      }
      String issuer = values.text(w.issuer());
      Optional<Pattern> subject =
          w.subject() == null ? Optional.empty() : values.regex(w.subject());
      Map<String, Pattern> claims = new LinkedHashMap<>();
      for (Wire.Entry e : w.claims()) {
        String claim = values.text(e.key());
        Optional<Pattern> p = values.regex(e.value());
        if (claim != null && p.isPresent()) {
          claims.put(claim, p.get());
        }
      }
      Profile profile = values.profile(w.profile());
      List<GrantRule> grants = new ArrayList<>();
      Map<String, Integer> grantIds = new HashMap<>();
      for (Wire.Grant g : w.grants()) {
        GrantRule rule = grant(g, grantIds);
        if (rule != null) {
          grants.add(rule);
        }
      }
      if (id != null
          && issuer != null
          && profile != null
          && (subject.isPresent() || !claims.isEmpty())) {
        out.add(new IdentityRule(id, issuer, subject, claims, profile, grants));
      }
    }
    return out;
  }

  private GrantRule grant(Wire.Grant g, Map<String, Integer> grantIds) {
    boolean ok = true;
    Optional<String> id = Optional.empty();
    if (g.id() != null) {
      String t =
          values.matching(g.id(), Values.ID, "a valid grant id (" + Values.ID.pattern() + ")");
      if (t != null) {
        Integer first = grantIds.putIfAbsent(t, g.id().loc().line());
        if (first != null) {
          values.problem(g.id(), "duplicate grant id '" + t + "' (first at line " + first + ")");
        }
        id = Optional.of(t);
      } else {
        ok = false;
      }
    }
    String owner = values.matching(g.owner(), LOGIN, "a valid GitHub login");
    List<String> names = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (Wire.Scalar r : g.repositories()) {
      if (r.kind() == Wire.Kind.INT) {
        if (POSITIVE.matcher(r.text()).matches()) {
          ids.add(Long.parseLong(r.text()));
        } else {
          values.problem(r, "repository id must be a positive decimal integer, found " + r.text());
          ok = false;
        }
      } else if (values.matching(
              r, Pattern.compile("[A-Za-z0-9._*-]{1,100}"), "a repository name or glob")
          != null) {
        names.add(r.text());
      } else {
        ok = false;
      }
    }
    Map<String, String> permissions = new TreeMap<>();
    for (Wire.Entry e : g.permissions()) {
      String name = e.key().text();
      String level = values.text(e.value());
      if (!GitHubPermissions.isKnown(name)) {
        values.problem(e.key(), "unknown GitHub permission '" + name + "'");
        ok = false;
      } else if (level != null && !GitHubPermissions.isValid(name, level)) {
        values.problem(
            e.value(),
            "invalid level '"
                + level
                + "' for permission '"
                + name
                + "' (allowed: "
                + String.join(", ", GitHubPermissions.levels(name))
                + ")");
        ok = false;
      } else if (level != null) {
        permissions.put(name, level);
      }
    }
    OptionalInt max = OptionalInt.empty();
    if (g.max() != null) {
      Integer m = values.integer(g.max(), 1, 500);
      if (m == null) {
        ok = false;
      } else {
        max = OptionalInt.of(m);
      }
    }
    if (!ok || owner == null || (names.isEmpty() && ids.isEmpty()) || permissions.isEmpty()) {
      return null;
    }
    return new GrantRule(g.index(), id, owner, names, ids, permissions, max);
  }
}
