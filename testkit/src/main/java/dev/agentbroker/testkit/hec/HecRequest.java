package dev.agentbroker.testkit.hec;

/**
 * One request as the receiver saw it (never the token).
 *
 * @param path request path
 * @param status status answered, or -1 if the connection was dropped
 * @param hecCode HEC {@code code} answered, or -1
 * @param events events parsed from the body (0 for non-event endpoints or rejected bodies)
 * @param gzip whether the body was {@code Content-Encoding: gzip}
 * @param bodyBytes body size on the wire
 * @param channel request channel, or null
 */
public record HecRequest(
    String path,
    int status,
    int hecCode,
    int events,
    boolean gzip,
    int bodyBytes,
    String channel) {}
