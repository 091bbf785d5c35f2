package io.tokenledger.aggregation.pricing;

import io.tokenledger.schemas.UsageEvent;

/**
 * A usage event with its cost, as it travels between processors in one task (never
 * serialized). {@code priced} is false when no price was in force: the cost is then 0 and
 * must be reported as unpriced, never as free.
 */
public record PricedUsage(UsageEvent event, long costNanoUsd, boolean priced) {}
