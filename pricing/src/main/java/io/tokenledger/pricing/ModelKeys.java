package io.tokenledger.pricing;

import io.tokenledger.schemas.models.ModelNames;

/**
 * The price-book keys of one reported (provider, model): the exact name, and the normalised
 * model it falls back to. Computed once per distinct name, not per event.
 */
public record ModelKeys(String exact, String normalisedKey, String normalisedModel) {
  public static ModelKeys of(String provider, String reportedModel) {
    String normalised = ModelNames.normalise(reportedModel);
    return new ModelKeys(ModelNames.key(provider, reportedModel), ModelNames.key(provider, normalised), normalised);
  }
}
