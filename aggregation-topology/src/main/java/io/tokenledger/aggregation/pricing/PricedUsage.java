package io.tokenledger.aggregation.pricing;

import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.models.ProviderModel;

/**
 * A usage event with its cost, as it travels between processors in one task (never
 * serialized). {@code priced} is false when no price was in force: the cost is then 0 and
 * must be reported as unpriced, never as free. {@code model} is the provider and model that
 * per-model figures are kept under: the catalog entry that priced it, or the normalised reported
 * model while unpriced; {@code modelText} is it as series keys write it, worked out once per model. {@code encoded} is the event as it came in, when known.
 */
public record PricedUsage(UsageEvent event, ProviderModel model, String modelText, long costNanoUsd, boolean priced,
    byte[] encoded) {
  public PricedUsage(UsageEvent event, ProviderModel model, long costNanoUsd, boolean priced, byte[] encoded) {
    this(event, model, model.toString(), costNanoUsd, priced, encoded);
  }

  public PricedUsage(UsageEvent event, ProviderModel model, long costNanoUsd, boolean priced) {
    this(event, model, costNanoUsd, priced, null);
  }

  /** The priced events of one usage record (one or more), published as one record of the priced usage topic. */
  public record Batch(java.util.List<PricedUsage> events) {}
}
