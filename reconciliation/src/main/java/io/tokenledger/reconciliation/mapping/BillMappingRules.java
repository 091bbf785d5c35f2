package io.tokenledger.reconciliation.mapping;

import io.tokenledger.schemas.BillIdentityKind;
import io.tokenledger.schemas.BillMapping;

/** What a mapping version must be before it is written: the CLI calls these, the reconciliation trusts them. */
public final class BillMappingRules {
  private BillMappingRules() {}

  public static BillMapping checked(BillMapping m) {
    if (m.getProvider().isBlank() || !m.getProvider().equals(m.getProvider().strip().toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException("the provider must be named as figures name it, lower case (openai, "
          + "anthropic, aws.bedrock), not '" + m.getProvider() + "'");
    }
    if (m.getIdentity().isBlank()) {
      throw new IllegalArgumentException("the identity (key, project, workspace, account or model) is empty");
    }
    if (m.getKind() == BillIdentityKind.MODEL) {
      if (m.getTeam() != null || m.getWorkflow() != null) {
        throw new IllegalArgumentException("a model mapping names a catalog model, not a team or workflow");
      }
    } else if (m.getModel() != null) {
      throw new IllegalArgumentException("a " + m.getKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
          + " maps to a team (and a workflow), not a model");
    } else if (m.getTeam() == null && m.getWorkflow() != null) {
      throw new IllegalArgumentException("a workflow without its team: give --team");
    }
    return m;
  }

  /** How the CLI and pages say what a version does. */
  public static String describe(BillMapping m) {
    String who = m.getKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " " + m.getIdentity();
    String what = m.getKind() == BillIdentityKind.MODEL
        ? (m.getModel() == null ? "its own name again" : "the catalog's " + m.getModel())
        : m.getTeam() == null ? "no team (unmapped)" : "team " + m.getTeam()
            + (m.getWorkflow() == null ? "" : ", workflow " + m.getWorkflow());
    return m.getProvider() + " " + who + " is " + what + " from " + m.getEffectiveFrom() + " (set by " + m.getSetBy() + ")";
  }
}
