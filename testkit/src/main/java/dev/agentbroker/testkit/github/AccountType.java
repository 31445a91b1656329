package dev.agentbroker.testkit.github;

/** The kind of account an App is installed on; GitHub spells these "Organization" and "User". */
public enum AccountType {
  ORGANIZATION("Organization"),
  USER("User");

  private final String json;

  AccountType(String json) {
    this.json = json;
  }

  /** The value GitHub uses in {@code account.type} and {@code target_type}. */
  public String json() {
    return json;
  }
}
