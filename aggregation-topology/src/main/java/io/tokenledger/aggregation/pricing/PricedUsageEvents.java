package io.tokenledger.aggregation.pricing;

import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.UsageEvent;
import org.apache.kafka.common.serialization.Serializer;

/** The priced usage topic's record of an event the aggregation accepted and priced. */
public final class PricedUsageEvents {
  private PricedUsageEvents() {}

  public static PricedUsageEvent of(PricedUsage priced) {
    UsageEvent e = priced.event();
    return PricedUsageEvent.newBuilder()
        .setEventId(e.getEventId())
        .setEventTime(e.getEventTime())
        .setTeam(e.getTeam())
        .setWorkflow(e.getWorkflow())
        .setService(e.getService())
        .setUserId(e.getUserId())
        .setAgentId(e.getAgentId())
        .setProvider(e.getProvider())
        .setModel(priced.model())
        .setReportedModel(e.getModel())
        .setUncachedInputTokens(e.getUncachedInputTokens())
        .setCacheReadTokens(e.getCacheReadTokens())
        .setCacheWriteTokens(e.getCacheWriteTokens())
        .setOutputTokens(e.getOutputTokens())
        .setReasoningTokens(e.getReasoningTokens())
        .setRequestCount(e.getRequestCount())
        .setCostNanoUsd(priced.priced() ? priced.costNanoUsd() : null)
        .setOutcomeUnit(e.getOutcomeUnit())
        .setOutcomeUnits(e.getOutcomeUnits())
        .setOutcomeSuccess(e.getOutcomeSuccess())
        .setWorkItemId(e.getWorkItemId())
        .setAttributes(e.getAttributes())
        .build();
  }

  /** Writes a {@link PricedUsage} as the topic's record. */
  public static Serializer<PricedUsage> serializer(Serializer<PricedUsageEvent> avro) {
    return (topic, priced) -> priced == null ? null : avro.serialize(topic, of(priced));
  }
}
