package dev.agentbroker.tierb.breakglass;

/** PENDING → APPROVED → USED, or DENIED / EXPIRED. Only PENDING and APPROVED can still change. */
public enum GrantState {
  PENDING,
  APPROVED,
  USED,
  DENIED,
  EXPIRED;

  public String wire() {
    return name().toLowerCase();
  }

  public boolean open() {
    return this == PENDING || this == APPROVED;
  }

  public static GrantState ofWire(String s) {
    return valueOf(s.toUpperCase());
  }
}
