package dev.agentbroker.egress.internal.inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * From one intercepted request (host, method, request-target) and the run's grant to a decision,
 * without I/O: which repository the request touches, whether the endpoint is on the allowlist, and
 * which credential form the upstream expects. Anything not positively recognised is refused: the
 * proxy only adds a token to requests it can attribute to a granted repository.
 */
public final class InjectRouter {
  /** How the broker-minted token is presented upstream. */
  public enum Credential {
    /** {@code Basic x-access-token:TOKEN}: what git sends to github.com. */
    BASIC,
    /** {@code Bearer TOKEN}: REST API, codeload, raw. */
    BEARER,
    /** Nothing added (pre-signed object URLs). */
    NONE
  }

  /**
   * @param status 0 to forward, else the refusal's HTTP status
   * @param reason stable code: {@code allowed}, {@code allowed_no_credential}, {@code no_run},
   *     {@code cross_repository}, {@code endpoint_not_allowed}, {@code permission_not_granted},
   *     {@code bad_path}
   * @param repository {@code owner/name} as granted, or {@code -}
   * @param template the path with owner, repository and free-form parts replaced (audit, logs)
   */
  public record Verdict(
      int status, String reason, String repository, String template, Credential credential) {
    public boolean allowed() {
      return status == 0;
    }

    static Verdict deny(int status, String reason, String repository, String template) {
      return new Verdict(status, reason, repository, template, Credential.NONE);
    }
  }

  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final Set<String> READ = Set.of("GET", "HEAD");

  /** API resources under {@code /repos/O/N/} that are refused for every method. */
  private static final Set<String> SENSITIVE =
      Set.of(
          "hooks",
          "keys",
          "collaborators",
          "invitations",
          "environments",
          "transfer",
          "autolinks",
          "rulesets",
          "dependabot",
          "codespaces",
          "deployments",
          "pages");

  /** API resources under {@code /repos/O/N/} that may be written (POST, PATCH, PUT). */
  private static final Set<String> WRITABLE =
      Set.of(
          "pulls",
          "issues",
          "git",
          "contents",
          "statuses",
          "check-runs",
          "check-suites",
          "merges",
          "comments",
          "labels");

  private static final Set<String> ARCHIVES =
      Set.of("tar.gz", "zip", "legacy.tar.gz", "legacy.zip");

  private InjectRouter() {}

  /**
   * @param host the CONNECT host (normalised lower case), one of the intercepted names
   * @param target the request-target as sent (origin-form)
   * @param grant the run's grant, {@code null} when no run is registered for the client
   */
  public static Verdict decide(String host, String method, String target, Grant grant) {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    List<String> seg = segments(path);
    if (seg == null) {
      return Verdict.deny(400, "bad_path", "-", "-");
    }
    if (grant == null) {
      return Verdict.deny(403, "no_run", "-", "-");
    }
    return switch (host) {
      case "github.com" -> git(method, seg, query, grant);
      case "api.github.com" -> api(method, seg, grant);
      case "codeload.github.com" -> codeload(method, seg, grant);
      case "raw.githubusercontent.com" -> raw(method, seg, grant);
      default ->
          host.endsWith(".githubusercontent.com") && READ.contains(method)
              ? new Verdict(0, "allowed_no_credential", "-", "/*", Credential.NONE)
              : Verdict.deny(403, "endpoint_not_allowed", "-", "/*");
    };
  }

  private static Verdict git(String method, List<String> seg, String query, Grant grant) {
    if (seg.size() < 3) {
      return Verdict.deny(403, "endpoint_not_allowed", "-", "/*");
    }
    String name = stripGit(seg.get(1));
    String rest = String.join("/", seg.subList(2, seg.size()));
    String base = "/{owner}/{repo}/";
    Boolean write = null;
    String template = base + "*";
    if (rest.equals("info/refs") && READ.contains(method)) {
      if (query.equals("service=git-upload-pack")) {
        write = false;
      } else if (query.equals("service=git-receive-pack")) {
        write = true;
      }
      template = base + "info/refs?service=" + (write == null ? "*" : query.substring(8));
    } else if (rest.equals("git-upload-pack") && method.equals("POST")) {
      write = false;
      template = base + rest;
    } else if (rest.equals("git-receive-pack") && method.equals("POST")) {
      write = true;
      template = base + rest;
    }
    return check(seg.get(0), name, write, template, grant, Credential.BASIC, true);
  }

  private static Verdict api(String method, List<String> seg, Grant grant) {
    if (seg.size() == 1
        && READ.contains(method)
        && Set.of("rate_limit", "meta").contains(seg.get(0))) {
      return new Verdict(0, "allowed", "-", "/" + seg.get(0), Credential.BEARER);
    }
    if (seg.size() < 3 || !seg.get(0).equals("repos")) {
      String first = seg.isEmpty() ? "" : seg.get(0);
      return Verdict.deny(
          403, "endpoint_not_allowed", "-", "/" + first + (seg.size() > 1 ? "/*" : ""));
    }
    String resource = seg.size() > 3 ? seg.get(3) : "";
    String template =
        "/repos/{owner}/{repo}"
            + (resource.isEmpty() ? "" : "/" + resource)
            + (seg.size() > 4 ? "/*" : "");
    Boolean write;
    if (method.equals("DELETE")
        || SENSITIVE.contains(resource)
        || (resource.equals("actions")
            && seg.size() > 4
            && Set.of("secrets", "variables").contains(seg.get(4)))
        || (resource.equals("branches") && seg.contains("protection"))) {
      write = null;
    } else if (READ.contains(method)) {
      write = false;
    } else if (Set.of("POST", "PATCH", "PUT").contains(method) && WRITABLE.contains(resource)) {
      write = true;
    } else {
      write = null;
    }
    return check(seg.get(1), seg.get(2), write, template, grant, Credential.BEARER, false);
  }

  private static Verdict codeload(String method, List<String> seg, Grant grant) {
    boolean ok = seg.size() >= 4 && READ.contains(method) && ARCHIVES.contains(seg.get(2));
    String template = "/{owner}/{repo}/" + (ok ? seg.get(2) : "*") + "/*";
    return check(
        seg.get(0),
        seg.size() > 1 ? seg.get(1) : "",
        ok ? false : null,
        template,
        grant,
        Credential.BEARER,
        false);
  }

  private static Verdict raw(String method, List<String> seg, Grant grant) {
    boolean ok = seg.size() >= 3 && READ.contains(method);
    return check(
        seg.isEmpty() ? "" : seg.get(0),
        seg.size() > 1 ? seg.get(1) : "",
        ok ? false : null,
        "/{owner}/{repo}/*",
        grant,
        Credential.BEARER,
        false);
  }

  /**
   * @param write null: endpoint not on the allowlist; else whether it writes
   * @param pushNeedsWrite a git push needs {@code contents: write} in the grant (the API's writes
   *     are left to the token's own permissions, which the broker scoped)
   */
  private static Verdict check(
      String owner,
      String name,
      Boolean write,
      String template,
      Grant grant,
      Credential credential,
      boolean pushNeedsWrite) {
    if (!OWNER.matcher(owner).matches() || !NAME.matcher(name).matches() || name.startsWith(".")) {
      return Verdict.deny(400, "bad_path", "-", template);
    }
    if (!grant.covers(owner, name)) {
      return Verdict.deny(403, "cross_repository", "-", template);
    }
    String repo = grant.owner() + "/" + grant.canonical(name);
    if (write == null) {
      return Verdict.deny(403, "endpoint_not_allowed", repo, template);
    }
    if (write && pushNeedsWrite && !grant.contentsWrite()) {
      return Verdict.deny(403, "permission_not_granted", repo, template);
    }
    return new Verdict(0, "allowed", repo, template, credential);
  }

  private static String stripGit(String name) {
    return name.toLowerCase(Locale.ROOT).endsWith(".git")
        ? name.substring(0, name.length() - 4)
        : name;
  }

  /**
   * Splits an origin-form path; null for anything ambiguous: no leading slash, empty segments, dot
   * segments, percent-encoding or backslashes (an upstream could decode them into another
   * repository's path than the one checked here).
   */
  static List<String> segments(String path) {
    if (!path.startsWith("/") || path.indexOf('%') >= 0 || path.indexOf('\\') >= 0) {
      return null;
    }
    List<String> out = new ArrayList<>();
    String[] parts = path.substring(1).split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (p.isEmpty() && i == parts.length - 1 && i > 0) {
        continue; // one trailing slash
      }
      if (p.isEmpty() || p.equals(".") || p.equals("..")) {
        return parts.length == 1 && p.isEmpty() ? out : null;
      }
      out.add(p);
    }
    return out;
  }
}
