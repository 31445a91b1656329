package dev.agentbroker.egress.internal;

import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;

/**
 * From a complete request head to a decision, without I/O: request form and method, target, proxy
 * credentials, then the allowlist. What it finds is all a connection needs before DNS.
 */
final class Router {
  private static final Set<String> FORWARD_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

  private Router() {}

  /**
   * The decision for one request head.
   *
   * @param status 0 to go ahead (resolve and connect), else the refusal's HTTP status
   * @param user the authenticated proxy user or {@code -}
   * @param group the allowing (or last matching) group or {@code -}
   * @param allow set when {@code status} is 0
   * @param plain set for an allowed plain-HTTP request
   */
  record Route(
      String method,
      String host,
      int port,
      String user,
      String group,
      int status,
      String reason,
      Allowlist.Allow allow,
      PlainHttp plain) {

    boolean refused() {
      return status != 0;
    }

    private static Route refuse(String method, int status, String reason) {
      return new Route(method, "-", 0, "-", "-", status, reason, null, null);
    }

    private static Route refuse(
        String method, Target t, String user, String group, int status, String reason) {
      return new Route(method, t.host(), t.port(), user, group, status, reason, null, null);
    }
  }

  static Route route(RequestHead head, InetAddress client, Allowlist allowlist) {
    String method = head.method();
    boolean connect = method.equals("CONNECT");
    if (!connect && !FORWARD_METHODS.contains(method)) {
      return Route.refuse(method, 405, "method_not_allowed");
    }
    if (!connect && head.target().startsWith("/")) {
      return Route.refuse(method, 400, "origin_form");
    }
    Optional<Target> target =
        connect ? Target.authority(head.target()) : Target.absoluteHttp(head.target());
    if (target.isEmpty()) {
      return Route.refuse(method, 400, connect ? "bad_authority" : "bad_target");
    }
    Target t = target.get();
    ProxyCredentials.Login login = allowlist.credentials().check(head);
    if (login instanceof ProxyCredentials.Rejected) {
      return Route.refuse(method, t, "-", "-", 407, "bad_credentials");
    }
    Optional<String> user =
        login instanceof ProxyCredentials.Authenticated a
            ? Optional.of(a.user())
            : Optional.empty();
    String who = user.orElse("-");
    Allowlist.Verdict v = allowlist.decide(client, user, t);
    if (v instanceof Allowlist.Deny d) {
      String group = d.group() == null ? "-" : d.group();
      return Route.refuse(method, t, who, group, d.status(), d.reason());
    }
    Allowlist.Allow allow = (Allowlist.Allow) v;
    PlainHttp plain = null;
    if (!connect) {
      plain = PlainHttp.prepare(head, t);
      if (plain.problem() != null) {
        return Route.refuse(method, t, who, allow.group(), plain.status(), plain.problem());
      }
    }
    return new Route(method, t.host(), t.port(), who, allow.group(), 0, "allowed", allow, plain);
  }
}
