package dev.agentbroker.policy;

/**
 * Stable reason codes carried by {@link Decision#reason()}. They appear in audit logs and API
 * responses, so never rename one.
 */
public final class Reasons {
  public static final String ALLOWED = "allowed";
  public static final String ALLOWED_NARROWED = "allowed_narrowed";
  public static final String NO_MATCHING_IDENTITY = "no_matching_identity";
  public static final String OWNER_NOT_GRANTED = "owner_not_granted";
  public static final String REPOSITORIES_REQUIRED = "repositories_required";
  public static final String PERMISSIONS_REQUIRED = "permissions_required";
  public static final String UNKNOWN_PERMISSION = "unknown_permission";
  public static final String REPOSITORY_NOT_GRANTED = "repository_not_granted";
  public static final String PERMISSION_NOT_GRANTED = "permission_not_granted";
  public static final String PERMISSION_LEVEL_EXCEEDS_GRANT = "permission_level_exceeds_grant";
  public static final String TOO_MANY_REPOSITORIES = "too_many_repositories";

  /** Verb decisions: the identity is not in the verb's {@code allowed_identities}, or no rule. */
  public static final String VERB_NOT_GRANTED = "verb_not_granted";

  /** Verb decisions: a parameter the rule does not list, or a value the rule does not accept. */
  public static final String PARAMETER_NOT_ALLOWED = "parameter_not_allowed";

  /** Verb decisions: the rule constrains a parameter the call omitted. */
  public static final String PARAMETER_REQUIRED = "parameter_required";

  /** Rule id of the deny that applies when no identity matches the caller. */
  public static final String DEFAULT_DENY_RULE = "default-deny";

  /** Prefix of a verb rule's id: {@code verbs/create-repo}. */
  public static final String VERB_RULE_PREFIX = "verbs/";

  /** Rule id of a break-glass verb decision when the policy has no rule for the verb. */
  public static final String BREAK_GLASS_RULE = "break-glass";

  private Reasons() {}
}
