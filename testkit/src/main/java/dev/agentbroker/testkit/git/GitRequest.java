package dev.agentbroker.testkit.git;

/**
 * One request the {@link GitHttpHost} answered, for test assertions.
 *
 * <p>The credential itself is never kept: {@code tokenSha256} is the first 12 hex digits of the
 * SHA-256 of the Basic password, enough to correlate requests with a token a test minted (see
 * {@link GitHttpHost#tokenFingerprint}) without a recording that could leak it.
 *
 * @param method HTTP method
 * @param path raw request path, without the query
 * @param query raw query string, or null
 * @param kind fetch, push, or neither (the path was not a smart-HTTP route)
 * @param status status code answered; 413 for a body over the limit
 * @param tokenSha256 fingerprint of the presented password, or null when none was presented
 */
public record GitRequest(
    String method, String path, String query, Kind kind, int status, String tokenSha256) {

  /** What the request was for. */
  public enum Kind {
    /** {@code git-upload-pack}: ls-remote, fetch, clone. */
    FETCH,
    /** {@code git-receive-pack}: push. */
    PUSH,
    /** Not a smart-HTTP route; answered 404. */
    OTHER
  }
}
