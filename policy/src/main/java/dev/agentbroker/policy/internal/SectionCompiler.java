package dev.agentbroker.policy.internal;

import dev.agentbroker.policy.Cidr;
import dev.agentbroker.policy.EgressClient;
import dev.agentbroker.policy.EgressPolicy;
import dev.agentbroker.policy.HostPattern;
import dev.agentbroker.policy.ParamRule;
import dev.agentbroker.policy.Profile;
import dev.agentbroker.policy.Rate;
import dev.agentbroker.policy.VerbRule;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compiles the {@code verbs:} and {@code egress:} sections. */
final class SectionCompiler {
  private static final Pattern VERB_NAME = Pattern.compile("[a-z][a-z0-9-]*");
  private static final Pattern PARAM_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern RATE = Pattern.compile("([1-9][0-9]{0,8})/(second|minute|hour|day)");

  private final Values values;

  SectionCompiler(Values values) {
    this.values = values;
  }

  Map<String, VerbRule> verbs(List<Wire.Verb> wires, Set<String> identityIds) {
    Map<String, VerbRule> out = new LinkedHashMap<>();
    for (Wire.Verb w : wires) {
      String name = values.matching(w.name(), VERB_NAME, "a valid verb name ([a-z][a-z0-9-]*)");
      List<String> allowed = new ArrayList<>();
      for (Wire.Scalar s : w.allowedIdentities()) {
        String id = values.text(s);
        if (id != null && !identityIds.contains(id)) {
          values.problem(s, "unknown identity '" + id + "'");
        } else if (id != null) {
          allowed.add(id);
        }
      }
      Rate rate = rate(w.rate());
      Map<String, ParamRule> params = new LinkedHashMap<>();
      boolean ownerSeen = false;
      for (Wire.Param p : w.params()) {
        String param = values.matching(p.name(), PARAM_NAME, "a valid parameter name");
        ownerSeen |= VerbRule.OWNER.equals(param);
        if (VerbRule.OWNER.equals(param) && p.regex() != null) {
          values.problem(
              p.name(),
              "'owner' must be a list of organizations, not a regex: a pattern can match"
                  + " organizations nobody meant to allow");
          continue;
        }
        ParamRule rule = param == null ? null : param(param, p);
        if (rule != null) {
          params.put(param, rule);
        }
      }
      if (!ownerSeen && w.name() != null) {
        // Fail closed at load time: an unpinned rule would act on every organization the App is
        // installed on.
        values.problem(
            w.name(),
            "verb rule must pin 'owner' (params: {owner: [org, ...]}): without it the verb would"
                + " act on every organization the App is installed on");
      }
      if (name != null
          && rate != null
          && !allowed.isEmpty()
          && params.get(VerbRule.OWNER) != null) {
        out.put(name, new VerbRule(name, allowed, rate, params));
      }
    }
    return out;
  }

  private ParamRule param(String name, Wire.Param p) {
    if (p.regex() != null) {
      Optional<Pattern> pattern = values.regex(p.regex());
      return pattern.map(pt -> (ParamRule) new ParamRule.Matching(name, pt)).orElse(null);
    }
    List<String> allowed = new ArrayList<>();
    for (Wire.Scalar s : p.values()) {
      String v = values.text(s);
      if (v != null) {
        allowed.add(v);
      }
    }
    return allowed.isEmpty() ? null : new ParamRule.OneOf(name, allowed);
  }

  private Rate rate(Wire.Scalar s) {
    String t = values.text(s);
    if (t == null) {
      return null;
    }
    Matcher m = RATE.matcher(t);
    if (!m.matches()) {
      values.problem(
          s, "invalid rate '" + t + "' (expected N/second, N/minute, N/hour or N/day, N >= 1)");
      return null;
    }
    ChronoUnit unit;
    switch (m.group(2)) {
      case "second":
        unit = ChronoUnit.SECONDS;
        break;
      case "minute":
        unit = ChronoUnit.MINUTES;
        break;
      case "hour":
        unit = ChronoUnit.HOURS;
        break;
      default:
        unit = ChronoUnit.DAYS;
        break;
    }
    return new Rate(Long.parseLong(m.group(1)), unit);
  }

  EgressPolicy egress(Wire.Egress wire) {
    if (wire == null) {
      return EgressPolicy.empty();
    }
    Map<String, List<HostPattern>> groups = new LinkedHashMap<>();
    for (Wire.Group g : wire.groups()) {
      String name = values.matching(g.name(), Values.ID, "a valid group name");
      List<HostPattern> hosts = new ArrayList<>();
      for (Wire.Scalar h : g.hosts()) {
        String text = values.text(h);
        if (text == null) {
          continue;
        }
        Optional<String> problem = NetParsing.hostPatternProblem(text);
        if (problem.isPresent()) {
          values.problem(h, problem.get());
        } else {
          hosts.add(new HostPattern(text));
        }
      }
      if (name != null) {
        groups.put(name, hosts);
      }
    }
    Set<String> groupNames = new java.util.HashSet<>();
    wire.groups().forEach(g -> groupNames.add(g.name().text()));
    List<EgressClient> clients = new ArrayList<>();
    for (Wire.Client c : wire.clients()) {
      Cidr cidr = cidr(c.cidr());
      Profile profile = values.profile(c.profile());
      List<String> refs = new ArrayList<>();
      for (Wire.Scalar g : c.groups()) {
        String name = values.text(g);
        if (name != null && !groupNames.contains(name)) {
          values.problem(g, "unknown egress group '" + name + "'");
        } else if (name != null) {
          refs.add(name);
        }
      }
      Optional<String> user = Optional.empty();
      if (c.proxyUser() != null) {
        user = Optional.ofNullable(values.matching(c.proxyUser(), Values.ID, "a valid user name"));
        if (user.isEmpty()) {
          continue;
        }
      }
      if (cidr != null && profile != null) {
        clients.add(new EgressClient(cidr, profile, refs, user));
      }
    }
    return new EgressPolicy(groups, clients);
  }

  private Cidr cidr(Wire.Scalar s) {
    String t = values.text(s);
    if (t == null) {
      return null;
    }
    try {
      return NetParsing.parseCidr(t);
    } catch (IllegalArgumentException e) {
      values.problem(s, e.getMessage());
      return null;
    }
  }
}
