package dev.agentbroker.tiera;

import dev.agentbroker.request.ErrorCode;

/** What {@link TokenService#revoke} did. */
public sealed interface RevokeResult permits RevokeResult.Revoked, RevokeResult.Refused {
  record Revoked(String leaseId) implements RevokeResult {}

  record Refused(ErrorCode code, String reason) implements RevokeResult {}
}
