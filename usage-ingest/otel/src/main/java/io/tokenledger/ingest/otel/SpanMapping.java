package io.tokenledger.ingest.otel;

import io.tokenledger.schemas.config.ConfigDeclaration;
import java.util.List;
import java.util.Map;

/**
 * Where a span's team, workflow, service, work item and variant come from: attribute names tried in
 * order, first on the span, then on its resource ({@code tokenledger.otel.*} keys, comma lists).
 * The defaults read tokenledger's own attributes first, then what instrumentations already set
 * (the agent's name or OpenLLMetry's workflow name for the workflow, {@code service.name} for the
 * service). Through the gateway an absent team is the API key's team.
 */
public record SpanMapping(List<String> teamAttributes, List<String> workflowAttributes,
    List<String> serviceAttributes, List<String> workItemAttributes, List<String> variantAttributes,
    String defaultWorkflow, String defaultService) {
  public static final String PREFIX = "tokenledger.otel.";

  public static final ConfigDeclaration CONFIG = new ConfigDeclaration("the span mapping (gateway, bridge)")
      .list(PREFIX + "team-attributes", "tokenledger.team", "span or resource attributes that name the team, first found wins")
      .list(PREFIX + "workflow-attributes", "tokenledger.workflow,gen_ai.agent.name,traceloop.workflow.name",
          "attributes that name the workflow, first found wins")
      .list(PREFIX + "service-attributes", "tokenledger.service,service.name", "attributes that name the service")
      .list(PREFIX + "work-item-attributes", "tokenledger.work_item_id", "attributes that carry the work item id")
      .list(PREFIX + "variant-attributes", "tokenledger.variant",
          "attributes that name the workflow variant (agent-only, hybrid-review, prompt-v8, ...)")
      .text(PREFIX + "default-workflow", "unspecified", "the workflow of a span that names none")
      .text(PREFIX + "default-service", "unknown", "the service of a span that names none");

  public static SpanMapping defaults() {
    return from(Map.of());
  }

  /** e.g. {@code tokenledger.otel.team-attributes=tokenledger.team,service.namespace}. */
  public static SpanMapping from(Map<String, ?> config) {
    return new SpanMapping(CONFIG.list(config, PREFIX + "team-attributes"),
        CONFIG.list(config, PREFIX + "workflow-attributes"),
        CONFIG.list(config, PREFIX + "service-attributes"),
        CONFIG.list(config, PREFIX + "work-item-attributes"),
        CONFIG.list(config, PREFIX + "variant-attributes"),
        CONFIG.text(config, PREFIX + "default-workflow"), CONFIG.text(config, PREFIX + "default-service"));
  }
}
