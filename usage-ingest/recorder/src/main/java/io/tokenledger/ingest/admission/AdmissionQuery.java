package io.tokenledger.ingest.admission;

import java.util.Objects;

/**
 * What a service asks before an AI call: whose call it is (team, workflow, person, agent), what
 * it runs on, and how big it can get. The person and agent must be those its usage will record,
 * so that their allowances apply.
 *
 * @param estimatedInputTokens the prompt's tokens, all kinds; an underestimate is the one way a call
 *     spends more than was reserved for it
 * @param maxOutputTokens the call's output cap (max_tokens), reasoning included
 */
public record AdmissionQuery(String team, String workflow, String provider, String model, long estimatedInputTokens,
    long maxOutputTokens, String userId, String agentId) {
  public AdmissionQuery {
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    if (estimatedInputTokens < 0 || maxOutputTokens < 0) {
      throw new IllegalArgumentException("token estimates cannot be negative: estimated_input_tokens="
          + estimatedInputTokens + ", max_output_tokens=" + maxOutputTokens);
    }
  }

  public static AdmissionQuery of(String team, String workflow, String provider, String model,
      long estimatedInputTokens, long maxOutputTokens) {
    return new AdmissionQuery(team, workflow, provider, model, estimatedInputTokens, maxOutputTokens, null, null);
  }

  public AdmissionQuery forUser(String user) {
    return new AdmissionQuery(team, workflow, provider, model, estimatedInputTokens, maxOutputTokens, user, agentId);
  }

  public AdmissionQuery byAgent(String agent) {
    return new AdmissionQuery(team, workflow, provider, model, estimatedInputTokens, maxOutputTokens, userId, agent);
  }

  AdmissionQuery withModel(String other) {
    return new AdmissionQuery(team, workflow, provider, other, estimatedInputTokens, maxOutputTokens, userId, agentId);
  }
}
