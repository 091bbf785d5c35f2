package io.tokenledger.schemas.models;

import java.util.Locale;

/**
 * A model as one provider sells it, written {@code provider/model}: the identity figures are kept
 * under, since one model from two providers (openai and azure.ai.openai gpt-4o, a Claude on
 * anthropic, aws.bedrock and gcp.vertex_ai) has two prices. A service tier other than the
 * standard one (batch, flex, priority) has prices of its own too, and is written after the
 * provider: {@code openai:batch/gpt-4o}. The provider never contains '/', '|' or ':' (the
 * validator and the price rules refuse them) and a tier is a plain name; the model may contain
 * anything ({@code openrouter/anthropic/claude-3.5-sonnet}), so the provider ends at the first '/'.
 *
 * <p>{@code provider} is null for a figure kept before figures were provider-qualified (written as
 * the model alone): its provider was not recorded and is never guessed. {@code serviceTier} is
 * null for the standard tier.
 */
public record ProviderModel(String provider, String model, String serviceTier) {
  public ProviderModel {
    if (model == null) {
      throw new IllegalArgumentException("a model is required");
    }
  }

  /** A model of the standard tier. */
  public ProviderModel(String provider, String model) {
    this(provider, model, null);
  }

  /** The identity of a provider and a model as figures key them: both lower case and trimmed. */
  public static ProviderModel of(String provider, String model) {
    return of(provider, model, null);
  }

  /** The same, of a service tier as reported (normalised: null for the standard tier). */
  public static ProviderModel of(String provider, String model, String serviceTier) {
    return new ProviderModel(provider.strip().toLowerCase(Locale.ROOT), model.strip().toLowerCase(Locale.ROOT),
        ServiceTiers.normalise(serviceTier));
  }

  /**
   * Reads {@link #toString()}: {@code provider/model}, {@code provider:tier/model}, or a model
   * alone (provider not recorded).
   */
  public static ProviderModel parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return new ProviderModel(null, text, null);
    }
    String provider = text.substring(0, slash);
    int colon = provider.indexOf(':');
    return colon < 0 ? new ProviderModel(provider, text.substring(slash + 1), null)
        : new ProviderModel(provider.substring(0, colon), text.substring(slash + 1), provider.substring(colon + 1));
  }

  /** Whether the provider was recorded (every figure kept since figures were provider-qualified). */
  public boolean hasProvider() {
    return provider != null;
  }

  /** Whether this is the named model of any provider, as reported or normalised. */
  public boolean isModel(String name) {
    return model.equals(name) || ModelNames.normalise(model).equals(ModelNames.normalise(name));
  }

  /** The same model at the standard tier: the catalog entry its prices are listed under. */
  public ProviderModel entry() {
    return serviceTier == null ? this : new ProviderModel(provider, model, null);
  }

  @Override
  public String toString() {
    if (provider == null) {
      return model;
    }
    return serviceTier == null ? provider + '/' + model : provider + ':' + serviceTier + '/' + model;
  }
}
