package io.tokenledger.ingest.otel;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where a span's team, workflow, service and work item come from: attribute names tried in
 * order, first on the span, then on its resource ({@code tokenledger.otel.*} keys, comma lists).
 * The defaults read tokenledger's own attributes first, then what instrumentations already set
 * (the agent's name or OpenLLMetry's workflow name for the workflow, {@code service.name} for the
 * service). Through the gateway an absent team is the API key's team.
 */
public record SpanMapping(List<String> teamAttributes, List<String> workflowAttributes,
    List<String> serviceAttributes, List<String> workItemAttributes, String defaultWorkflow, String defaultService) {
  public static final String PREFIX = "tokenledger.otel.";

  public static SpanMapping defaults() {
    return from(Map.of());
  }

  /** e.g. {@code tokenledger.otel.team-attributes=tokenledger.team,service.namespace}. */
  public static SpanMapping from(Map<String, ?> config) {
    return new SpanMapping(list(config, "team-attributes", "tokenledger.team"),
        list(config, "workflow-attributes", "tokenledger.workflow,gen_ai.agent.name,traceloop.workflow.name"),
        list(config, "service-attributes", "tokenledger.service,service.name"),
        list(config, "work-item-attributes", "tokenledger.work_item_id"),
        text(config, "default-workflow", "unspecified"), text(config, "default-service", "unknown"));
  }

  private static List<String> list(Map<String, ?> config, String key, String fallback) {
    return Arrays.stream(text(config, key, fallback).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static String text(Map<String, ?> config, String key, String fallback) {
    Object value = config.get(PREFIX + key);
    return value == null || value.toString().isBlank() ? fallback : value.toString().strip();
  }
}
