package dev.agentbroker.tierb.breakglass;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One break-glass request and everything decided about it. Immutable: each step produces a new
 * value, so the store and concurrent readers never see a half-made change. Holds no secret: after
 * use only the token's SHA-256 is kept.
 *
 * @param pendingUntil when an undecided request expires
 * @param usableUntil when an approved, unused grant expires (null until approved)
 * @param result for a used grant: {@code issued}, {@code completed}, {@code partial_failure}, …
 */
public record Grant(
    String id,
    Elevation elevation,
    String justification,
    Duration duration,
    Human requester,
    Instant requestedAt,
    Instant pendingUntil,
    GrantState state,
    Human decidedBy,
    Instant decidedAt,
    String note,
    Instant usableUntil,
    Instant usedAt,
    String tokenSha256,
    Instant tokenExpiresAt,
    String result) {

  public Grant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(elevation, "elevation");
    Objects.requireNonNull(justification, "justification");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(requestedAt, "requestedAt");
    Objects.requireNonNull(pendingUntil, "pendingUntil");
    Objects.requireNonNull(state, "state");
  }

  static Grant requested(
      String id,
      Elevation e,
      String justification,
      Duration duration,
      Human requester,
      Instant now,
      Duration window) {
    return new Grant(
        id,
        e,
        justification,
        duration,
        requester,
        now,
        now.plus(window),
        GrantState.PENDING,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** The instant after which this grant can no longer move forward, or null if it is final. */
  public Instant deadline() {
    if (state == GrantState.PENDING) {
      return pendingUntil;
    }
    return state == GrantState.APPROVED ? usableUntil : null;
  }

  /** Whether the grant is open but past its deadline (the sweep or next access expires it). */
  public boolean dueToExpire(Instant now) {
    Instant d = deadline();
    return d != null && !now.isBefore(d);
  }

  Grant approved(Human approver, Instant now, Duration window) {
    // The use window is bounded by both the configured window and the requested duration.
    Duration useWindow = duration.compareTo(window) < 0 ? duration : window;
    return with(GrantState.APPROVED, approver, now, null, now.plus(useWindow), null, null, null);
  }

  Grant denied(Human denier, Instant now, String reason) {
    return with(GrantState.DENIED, denier, now, reason, usableUntil, null, null, null);
  }

  Grant expired() {
    return with(GrantState.EXPIRED, decidedBy, decidedAt, note, usableUntil, null, null, null);
  }

  Grant claimed(Instant now) {
    return with(GrantState.USED, decidedBy, decidedAt, note, usableUntil, now, null, null)
        .withResult(null, null, "in_progress");
  }

  Grant reopened() {
    return with(GrantState.APPROVED, decidedBy, decidedAt, note, usableUntil, null, null, null);
  }

  Grant withResult(String sha256, Instant tokenExpires, String outcome) {
    return new Grant(
        id,
        elevation,
        justification,
        duration,
        requester,
        requestedAt,
        pendingUntil,
        state,
        decidedBy,
        decidedAt,
        note,
        usableUntil,
        usedAt,
        sha256,
        tokenExpires,
        outcome);
  }

  private Grant with(
      GrantState s,
      Human by,
      Instant at,
      String n,
      Instant usable,
      Instant used,
      String sha,
      String res) {
    return new Grant(
        id,
        elevation,
        justification,
        duration,
        requester,
        requestedAt,
        pendingUntil,
        s,
        by,
        at,
        n,
        usable,
        used,
        sha,
        null,
        res);
  }
}
