package dev.agentbroker.audit;

/** Canonical values for {@link AuditEvent#outcome()} so dashboards can rely on a closed set. */
public final class Outcomes {
  public static final String ALLOWED = "allowed";
  public static final String DENIED = "denied";
  public static final String ERROR = "error";

  private Outcomes() {}
}
