package io.tokenledger.pricing;

import io.tokenledger.schemas.models.ModelNames;
import io.tokenledger.schemas.models.ProviderModel;

/**
 * The price-book keys of one reported (provider, model, service tier): the exact name, and the
 * normalised model it falls back to, each with the identity figures are kept under when that key
 * prices the call. Computed once per distinct name, not per event.
 *
 * @param exactModel the provider, the reported model as the catalog would list it, and the tier
 * @param normalisedModelKey the provider, the normalised model and the tier: the fallback price,
 *     and the identity of unpriced usage
 * @param exactModelText {@code exactModel} as keys write it, worked out once (keys are built per event)
 * @param normalisedModelText the same of {@code normalisedModelKey}
 */
public record ModelKeys(String exact, String normalisedKey, ProviderModel exactModel, ProviderModel normalisedModelKey,
    String exactModelText, String normalisedModelText) {
  public static ModelKeys of(String provider, String reportedModel) {
    return of(provider, reportedModel, null);
  }

  /** The keys of a call of a service tier (as reported; null or a standard name for the standard tier). */
  public static ModelKeys of(String provider, String reportedModel, String serviceTier) {
    String normalised = ModelNames.normalise(reportedModel);
    ProviderModel exactModel = ProviderModel.of(provider, reportedModel, serviceTier);
    ProviderModel normalisedModel = ProviderModel.of(provider, normalised, serviceTier);
    return new ModelKeys(ModelNames.key(provider, reportedModel), ModelNames.key(provider, normalised), exactModel,
        normalisedModel, exactModel.toString(), normalisedModel.toString());
  }

  /** The normalised model name alone. */
  public String normalisedModel() {
    return normalisedModelKey.model();
  }
}
