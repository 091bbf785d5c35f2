package io.tokenledger.aggregation.pricing;

import io.tokenledger.schemas.UsageEvent;

/**
 * A usage event with its cost, as it travels between processors in one task (never
 * serialized). {@code priced} is false when no price was in force: the cost is then 0 and
 * must be reported as unpriced, never as free. {@code model} is the normalised model name
 * that per-model figures are kept under. {@code encoded} is the event as it came in, when known.
 */
public record PricedUsage(UsageEvent event, String model, long costNanoUsd, boolean priced, byte[] encoded) {
  public PricedUsage(UsageEvent event, String model, long costNanoUsd, boolean priced) {
    this(event, model, costNanoUsd, priced, null);
  }
}
