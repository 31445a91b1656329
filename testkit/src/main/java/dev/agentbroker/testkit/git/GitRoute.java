package dev.agentbroker.testkit.git;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One smart-HTTP request GitHub would serve, parsed from method, raw path and raw query.
 *
 * <p>Only the four smart-protocol shapes are recognised, with or without the {@code .git} suffix:
 * {@code GET /O/N.git/info/refs?service=git-upload-pack|git-receive-pack} and {@code POST
 * /O/N.git/git-upload-pack|git-receive-pack}. Everything else (dumb-protocol file fetches, other
 * methods, percent-encoded or dot segments) is not a route, so the host answers 404 without looking
 * at credentials, as GitHub does for unknown paths.
 *
 * @param owner owner as written in the URL (case preserved; matching is case-insensitive)
 * @param name repository name without {@code .git}
 * @param service {@code git-upload-pack} or {@code git-receive-pack}
 * @param advertisement true for {@code info/refs}, false for the POST of the service itself
 */
record GitRoute(String owner, String name, String service, boolean advertisement) {
  static final String UPLOAD_PACK = "git-upload-pack";
  static final String RECEIVE_PACK = "git-receive-pack";

  /** GitHub's login and repository-name alphabets; excludes '%', '/', and "." / ".." names. */
  private static final Pattern PATH =
      Pattern.compile(
          "/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/([A-Za-z0-9._-]+?)(\\.git)?"
              + "/(info/refs|git-upload-pack|git-receive-pack)");

  /** The route, or null when GitHub would answer 404 to this method, path and query. */
  static GitRoute parse(String method, String rawPath, String rawQuery) {
    if (rawPath == null) {
      return null;
    }
    Matcher m = PATH.matcher(rawPath);
    // Names made only of dots, or ".git" itself, would escape or alias the project layout.
    if (!m.matches() || m.group(2).matches("\\.+") || m.group(2).equalsIgnoreCase(".git")) {
      return null;
    }
    String tail = m.group(4);
    if (tail.equals("info/refs")) {
      String service = service(rawQuery);
      if (!"GET".equals(method) || service == null) {
        return null;
      }
      return new GitRoute(m.group(1), m.group(2), service, true);
    }
    if (!"POST".equals(method)) {
      return null;
    }
    return new GitRoute(m.group(1), m.group(2), tail, false);
  }

  /** The {@code service} query parameter if it names a smart service, else null. */
  private static String service(String rawQuery) {
    if (rawQuery == null) {
      return null;
    }
    String found = null;
    for (String pair : rawQuery.split("&")) {
      if (pair.startsWith("service=")) {
        String v = pair.substring("service=".length());
        if (found != null || !(v.equals(UPLOAD_PACK) || v.equals(RECEIVE_PACK))) {
          return null;
        }
        found = v;
      }
    }
    return found;
  }

  /** Pushes need {@code contents: write}, both for the advertisement and for the POST. */
  boolean push() {
    return service.equals(RECEIVE_PACK);
  }

  /** {@code owner/name}, as written in the URL. */
  String fullName() {
    return owner + "/" + name;
  }

  /** The CGI {@code PATH_INFO} for the hosted repository whose canonical name is given. */
  String pathInfo(String canonicalFullName) {
    return "/" + canonicalFullName + ".git/" + (advertisement ? "info/refs" : service);
  }

  /** The CGI {@code QUERY_STRING}: only the service survives, nothing else is passed on. */
  String queryString() {
    return advertisement ? "service=" + service : "";
  }
}
