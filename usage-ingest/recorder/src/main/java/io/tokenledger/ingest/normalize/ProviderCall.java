package io.tokenledger.ingest.normalize;

import io.tokenledger.schemas.models.ServiceTiers;

/**
 * What one provider response says about itself: who served it, which model, how many tokens,
 * and the service tier it was served at (null: the standard tier).
 */
public record ProviderCall(String provider, String model, TokenBuckets tokens, String serviceTier) {
  public ProviderCall {
    serviceTier = ServiceTiers.normalise(serviceTier);
  }

  /** A call of the standard tier, or of a tier the response does not report. */
  public ProviderCall(String provider, String model, TokenBuckets tokens) {
    this(provider, model, tokens, null);
  }
}
