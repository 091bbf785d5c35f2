package io.tokenledger.pricing;

import io.tokenledger.schemas.models.ModelNames;
import io.tokenledger.schemas.models.ProviderModel;

/**
 * The price-book keys of one reported (provider, model): the exact name, and the normalised
 * model it falls back to, each with the identity figures are kept under when that key prices
 * the call. Computed once per distinct name, not per event.
 *
 * @param exactModel the provider and the reported model as the catalog would list it
 * @param normalisedModelKey the provider and the normalised model: the fallback price, and the
 *     identity of unpriced usage
 */
public record ModelKeys(String exact, String normalisedKey, ProviderModel exactModel, ProviderModel normalisedModelKey) {
  public static ModelKeys of(String provider, String reportedModel) {
    String normalised = ModelNames.normalise(reportedModel);
    return new ModelKeys(ModelNames.key(provider, reportedModel), ModelNames.key(provider, normalised),
        ProviderModel.of(provider, reportedModel), ProviderModel.of(provider, normalised));
  }

  /** The normalised model name alone. */
  public String normalisedModel() {
    return normalisedModelKey.model();
  }
}
