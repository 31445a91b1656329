package dev.agentbroker.policy.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Walks SnakeYAML's composed node tree into {@link Wire} records, checking structure only: node
 * types, required and unknown keys, duplicate keys, anchors/aliases and custom tags. Value checks
 * (regexes, vocabularies, references) are the compiler's job.
 *
 * <p>SnakeYAML's composer accepts duplicate keys and resolves aliases to the anchored node; both
 * are rejected here. A node seen twice is an alias and is never walked again, which also keeps
 * "billion laughs" documents linear.
 */
final class YamlWalker {
  private static final String STANDARD_TAG_PREFIX = "tag:yaml.org,2002:";

  private final Problems problems;
  private final Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());

  YamlWalker(Problems problems) {
    this.problems = problems;
  }

  Wire.Policy walk(Node root) {
    if (!enter(root, "")) {
      return null;
    }
    MapView m = asMap(root, "");
    if (m == null) {
      return null;
    }
    m.allow("version", "profiles", "identities", "verbs", "egress");
    Wire.Scalar version = m.scalar("version", true);
    List<Wire.ProfileOverride> profiles = profiles(m.map("profiles", false));
    List<Wire.Identity> identities = new ArrayList<>();
    List<Node> idNodes = m.seq("identities", true, false);
    for (int i = 0; i < idNodes.size(); i++) {
      Wire.Identity identity = identity(idNodes.get(i), m.path("identities") + "[" + i + "]");
      if (identity != null) {
        identities.add(identity);
      }
    }
    return new Wire.Policy(version, profiles, identities, verbs(m.map("verbs", false)), egress(m));
  }

  private List<Wire.ProfileOverride> profiles(MapView m) {
    List<Wire.ProfileOverride> out = new ArrayList<>();
    if (m == null) {
      return out;
    }
    m.allow("interactive", "autonomous", "ci");
    for (String name : m.keys()) {
      MapView p = m.map(name, false);
      if (p == null) {
        continue;
      }
      p.allow(
          "max_repositories_per_token", "max_write_repositories_per_token", "narrow_to_ceiling");
      out.add(
          new Wire.ProfileOverride(
              m.keyScalar(name),
              p.scalar("max_repositories_per_token", false),
              p.scalar("max_write_repositories_per_token", false),
              p.scalar("narrow_to_ceiling", false)));
    }
    return out;
  }

  private Wire.Identity identity(Node node, String path) {
    MapView m = asMap(node, path);
    if (m == null) {
      return null;
    }
    m.allow("id", "issuer", "subject", "claims", "profile", "grants");
    Wire.Scalar subject = m.scalar("subject", false);
    List<Wire.Entry> claims = entries(m.map("claims", false));
    if (subject == null && claims.isEmpty()) {
      problems.add(
          m.loc,
          "identity needs 'subject' or non-empty 'claims': matching every token of an issuer is"
              + " too broad");
    }
    List<Wire.Grant> grants = new ArrayList<>();
    List<Node> grantNodes = m.seq("grants", false, false);
    for (int i = 0; i < grantNodes.size(); i++) {
      Wire.Grant g = grant(grantNodes.get(i), m.path("grants") + "[" + i + "]", i);
      if (g != null) {
        grants.add(g);
      }
    }
    return new Wire.Identity(
        m.loc,
        m.scalar("id", true),
        m.scalar("issuer", true),
        subject,
        claims,
        m.scalar("profile", true),
        grants);
  }

  private Wire.Grant grant(Node node, String path, int index) {
    MapView m = asMap(node, path);
    if (m == null) {
      return null;
    }
    m.allow("id", "owner", "repositories", "permissions", "max_repositories_per_token");
    MapView perms = m.map("permissions", true);
    List<Wire.Entry> permissions = entries(perms);
    if (perms != null && permissions.isEmpty() && perms.keys().isEmpty()) {
      problems.add(perms.loc, "must not be empty");
    }
    return new Wire.Grant(
        m.loc,
        index,
        m.scalar("id", false),
        m.scalar("owner", true),
        m.scalars("repositories", true, true),
        permissions,
        m.scalar("max_repositories_per_token", false));
  }

  private List<Wire.Verb> verbs(MapView m) {
    List<Wire.Verb> out = new ArrayList<>();
    if (m == null) {
      return out;
    }
    for (String name : m.keys()) {
      MapView v = m.map(name, false);
      if (v == null) {
        continue;
      }
      v.allow("allowed_identities", "rate", "params");
      List<Wire.Param> params = new ArrayList<>();
      MapView pm = v.map("params", false);
      if (pm != null) {
        for (String param : pm.keys()) {
          Node value = pm.node(param, false);
          String p = pm.path(param);
          if (value instanceof SequenceNode) {
            params.add(new Wire.Param(pm.keyScalar(param), scalarsOf(value, p, true), null));
          } else if (value instanceof ScalarNode) {
            params.add(new Wire.Param(pm.keyScalar(param), null, asScalar(value, p)));
          } else if (value != null) {
            problems.add(loc(value, p), "expected a list of allowed values or a regex string");
          }
        }
      }
      out.add(
          new Wire.Verb(
              m.keyScalar(name),
              v.scalars("allowed_identities", true, true),
              v.scalar("rate", true),
              params));
    }
    return out;
  }

  private Wire.Egress egress(MapView root) {
    MapView m = root.map("egress", false);
    if (m == null) {
      return null;
    }
    m.allow("groups", "clients");
    List<Wire.Group> groups = new ArrayList<>();
    MapView gm = m.map("groups", false);
    if (gm != null) {
      for (String name : gm.keys()) {
        Node hosts = gm.node(name, false);
        if (hosts != null) {
          // An empty group is allowed: it matches nothing (e.g. "internal: []" kept as a
          // placeholder).
          groups.add(new Wire.Group(gm.keyScalar(name), scalarsOf(hosts, gm.path(name), false)));
        }
      }
    }
    List<Wire.Client> clients = new ArrayList<>();
    List<Node> nodes = m.seq("clients", false, false);
    for (int i = 0; i < nodes.size(); i++) {
      MapView c = asMap(nodes.get(i), m.path("clients") + "[" + i + "]");
      if (c == null) {
        continue;
      }
      c.allow("cidr", "profile", "groups", "proxy_user");
      clients.add(
          new Wire.Client(
              c.loc,
              c.scalar("cidr", true),
              c.scalar("profile", true),
              c.scalars("groups", true, false),
              c.scalar("proxy_user", false)));
    }
    return new Wire.Egress(groups, clients);
  }

  private List<Wire.Entry> entries(MapView m) {
    List<Wire.Entry> out = new ArrayList<>();
    if (m == null) {
      return out;
    }
    for (String key : m.keys()) {
      Wire.Scalar value = m.scalar(key, false);
      if (value != null) {
        out.add(new Wire.Entry(m.keyScalar(key), value));
      }
    }
    return out;
  }

  // ---- generic node handling ----

  /**
   * Records the node as visited; false when it was already seen, i.e. reached through an alias.
   * Aliases are reported by {@link RuleCompiler} from parser events, which know the alias's own
   * position (the composed tree only has the anchored node's).
   */
  private boolean enter(Node node, String path) {
    if (!seen.add(node)) {
      return false;
    }
    if (node.getAnchor() != null) {
      problems.add(loc(node, path), "YAML anchors are not allowed (&" + node.getAnchor() + ")");
    }
    Tag tag = node.getTag();
    if (tag != null && !tag.getValue().startsWith(STANDARD_TAG_PREFIX)) {
      problems.add(loc(node, path), "custom YAML tags are not allowed (" + tag.getValue() + ")");
    }
    return true;
  }

  private MapView asMap(Node node, String path) {
    if (node instanceof MappingNode) {
      return new MapView((MappingNode) node, path);
    }
    problems.add(loc(node, path), "expected a mapping, found " + describe(node));
    return null;
  }

  private Wire.Scalar asScalar(Node node, String path) {
    if (node instanceof ScalarNode) {
      ScalarNode s = (ScalarNode) node;
      return new Wire.Scalar(s.getValue(), kind(s.getTag()), loc(node, path));
    }
    problems.add(loc(node, path), "expected a single value, found " + describe(node));
    return null;
  }

  private static Wire.Kind kind(Tag tag) {
    if (Tag.STR.equals(tag)) {
      return Wire.Kind.STRING;
    } else if (Tag.INT.equals(tag)) {
      return Wire.Kind.INT;
    } else if (Tag.BOOL.equals(tag)) {
      return Wire.Kind.BOOL;
    } else if (Tag.NULL.equals(tag)) {
      return Wire.Kind.NULL;
    }
    return Wire.Kind.OTHER;
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    } else if (node instanceof SequenceNode) {
      return "a list";
    }
    return "a single value";
  }

  static Wire.Loc loc(Node node, String path) {
    return new Wire.Loc(
        node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1, path);
  }

  /** A mapping with its keys checked for type and duplicates. */
  private final class MapView {
    final Wire.Loc loc;
    private final String path;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    MapView(MappingNode node, String path) {
      this.loc = loc(node, path);
      this.path = path;
      for (NodeTuple t : node.getValue()) {
        Node key = t.getKeyNode();
        if (!(key instanceof ScalarNode)) {
          problems.add(loc(key, path), "keys must be plain strings");
          continue;
        }
        String name = ((ScalarNode) key).getValue();
        NodeTuple first = entries.putIfAbsent(name, t);
        if (first != null) {
          problems.add(
              loc(key, path(name)),
              "duplicate key '"
                  + name
                  + "' (first at line "
                  + (first.getKeyNode().getStartMark().getLine() + 1)
                  + ")");
        }
      }
    }

    String path(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    List<String> keys() {
      return new ArrayList<>(entries.keySet());
    }

    void allow(String... allowed) {
      List<String> ok = List.of(allowed);
      for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
        if (!ok.contains(e.getKey())) {
          problems.add(
              loc(e.getValue().getKeyNode(), path(e.getKey())),
              "unknown key '" + e.getKey() + "' (allowed: " + String.join(", ", ok) + ")");
        }
      }
    }

    Wire.Scalar keyScalar(String key) {
      ScalarNode k = (ScalarNode) entries.get(key).getKeyNode();
      return new Wire.Scalar(k.getValue(), kind(k.getTag()), loc(k, path(key)));
    }

    /** The value node, or null when absent (reported if required) or an alias. */
    Node node(String key, boolean required) {
      NodeTuple t = entries.get(key);
      if (t == null) {
        if (required) {
          problems.add(loc, "missing required key '" + key + "'");
        }
        return null;
      }
      return enter(t.getValueNode(), path(key)) ? t.getValueNode() : null;
    }

    Wire.Scalar scalar(String key, boolean required) {
      Node n = node(key, required);
      return n == null ? null : asScalar(n, path(key));
    }

    MapView map(String key, boolean required) {
      Node n = node(key, required);
      return n == null ? null : asMap(n, path(key));
    }

    List<Node> seq(String key, boolean required, boolean nonEmpty) {
      return seqOf(node(key, required), path(key), nonEmpty);
    }

    /** A list of single values; {@code nonEmpty} also rejects an empty list. */
    List<Wire.Scalar> scalars(String key, boolean required, boolean nonEmpty) {
      return scalarsOf(node(key, required), path(key), nonEmpty);
    }
  }

  /** Items of an already-entered list node (null: absent, already reported if required). */
  private List<Node> seqOf(Node n, String path, boolean nonEmpty) {
    if (n == null) {
      return List.of();
    }
    if (!(n instanceof SequenceNode)) {
      problems.add(loc(n, path), "expected a list, found " + describe(n));
      return List.of();
    }
    List<Node> raw = ((SequenceNode) n).getValue();
    if (nonEmpty && raw.isEmpty()) {
      problems.add(loc(n, path), "must not be empty");
    }
    List<Node> items = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      if (enter(raw.get(i), path + "[" + i + "]")) {
        items.add(raw.get(i));
      }
    }
    return items;
  }

  private List<Wire.Scalar> scalarsOf(Node n, String path, boolean nonEmpty) {
    List<Wire.Scalar> out = new ArrayList<>();
    List<Node> items = seqOf(n, path, nonEmpty);
    List<Node> raw = n instanceof SequenceNode ? ((SequenceNode) n).getValue() : List.of();
    for (Node item : items) {
      Wire.Scalar s = asScalar(item, path + "[" + raw.indexOf(item) + "]");
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }
}
