package dev.agentbroker.egress.internal;

import dev.agentbroker.egress.EgressConfig;
import dev.agentbroker.egress.EgressConfig.GroupSettings;
import dev.agentbroker.policy.Cidr;
import dev.agentbroker.policy.EgressClient;
import dev.agentbroker.policy.EgressPolicy;
import dev.agentbroker.policy.HostPattern;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One immutable allowlist snapshot: the policy's groups and clients joined with the egress-only
 * group settings (ports, named internal hosts, allowed IP literals). Swapped atomically on reload.
 */
public final class Allowlist {

  /** Result of the name/port check, before DNS. */
  public sealed interface Verdict permits Allow, Deny {}

  /**
   * The request may proceed to resolution.
   *
   * @param group first group that allowed it (for logs)
   * @param answers which resolved addresses are acceptable (internal hosts may get private ones)
   * @param address set for an allowed IP literal: connect there without DNS
   */
  public record Allow(String group, AnswerRule answers, Optional<InetAddress> address)
      implements Verdict {}

  /** Refused; {@code reason} is a stable code. */
  public record Deny(String reason, String group) implements Verdict {
    /** 407 asks the client for proxy credentials; every other refusal here is a 403. */
    public int status() {
      return reason.equals(CREDENTIALS_REQUIRED) ? 407 : 403;
    }
  }

  public static final String CREDENTIALS_REQUIRED = "credentials_required";

  private final EgressPolicy policy;
  private final Map<String, GroupSettings> settings;
  private final ProxyCredentials credentials;

  public Allowlist(EgressPolicy policy, EgressConfig config) {
    this.policy = policy;
    this.settings = Map.copyOf(config.groups());
    this.credentials = new ProxyCredentials(config.proxyUsers());
  }

  public EgressPolicy policy() {
    return policy;
  }

  /** The proxy users of this snapshot, reloaded together with the policy that names them. */
  public ProxyCredentials credentials() {
    return credentials;
  }

  private GroupSettings settings(String group) {
    return settings.getOrDefault(group, GroupSettings.DEFAULT);
  }

  /**
   * @param user the authenticated proxy user, empty without credentials
   */
  public Verdict decide(InetAddress client, Optional<String> user, Target target) {
    Optional<EgressClient> entry = policy.clientFor(client, user);
    if (entry.isEmpty()) {
      // Only ask for credentials where some entry could accept them.
      return user.isEmpty() && policy.credentialsAccepted(client)
          ? new Deny(CREDENTIALS_REQUIRED, null)
          : new Deny("no_client_group", null);
    }
    List<String> groups = entry.get().groups();
    if (target.literal().isPresent()) {
      InetAddress addr = target.literal().get();
      String portDenied = null;
      for (String g : groups) {
        for (Cidr c : settings(g).allowIps()) {
          if (c.contains(addr)) {
            if (settings(g).ports().contains(target.port())) {
              return new Allow(g, AnswerRule.PUBLIC_ONLY, Optional.of(addr));
            }
            portDenied = g;
          }
        }
      }
      return portDenied != null
          ? new Deny("port_not_allowed", portDenied)
          : new Deny("ip_literal", null);
    }
    if (target.ipLike()) {
      return new Deny("ip_literal", null);
    }
    String nameMatched = null;
    String allowedGroup = null;
    boolean internal = false;
    List<Cidr> internalIps = new ArrayList<>();
    for (String g : groups) {
      if (!matches(g, target.host())) {
        continue;
      }
      nameMatched = nameMatched == null ? g : nameMatched;
      GroupSettings s = settings(g);
      if (s.ports().contains(target.port())) {
        allowedGroup = allowedGroup == null ? g : allowedGroup;
        if (s.internalHosts().contains(target.host())) {
          internal = true;
          internalIps.addAll(s.allowIps());
        }
      }
    }
    if (allowedGroup != null) {
      AnswerRule answers = internal ? new AnswerRule(true, internalIps) : AnswerRule.PUBLIC_ONLY;
      return new Allow(allowedGroup, answers, Optional.empty());
    }
    return nameMatched != null
        ? new Deny("port_not_allowed", nameMatched)
        : new Deny("host_not_allowed", null);
  }

  private boolean matches(String group, String host) {
    for (HostPattern p : policy.groups().getOrDefault(group, List.of())) {
      if (p.matches(host)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Cross-checks the egress settings against the policy: settings for unknown groups, internal
   * hosts that no pattern of their group admits and policy proxy users without a secret are
   * mistakes worth failing on.
   */
  public static List<String> problems(EgressPolicy policy, EgressConfig config) {
    List<String> out = new ArrayList<>();
    for (String u : policy.proxyUsers()) {
      if (!config.proxyUsers().containsKey(u)) {
        out.add(
            "proxy_users: the policy's egress.clients name proxy_user '"
                + u
                + "' but the settings have no proxy_users."
                + u
                + ".password_sha256");
      }
    }
    config
        .groups()
        .forEach(
            (name, s) -> {
              if (!policy.groups().containsKey(name)) {
                out.add("groups." + name + ": no such group in the policy's egress.groups");
                return;
              }
              for (String h : s.internalHosts()) {
                if (policy.groups().get(name).stream().noneMatch(p -> p.matches(h))) {
                  out.add(
                      "groups."
                          + name
                          + ".internal_hosts: '"
                          + h
                          + "' is not matched by any host pattern of the group");
                }
              }
            });
    return out;
  }
}
