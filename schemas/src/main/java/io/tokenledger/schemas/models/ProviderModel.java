package io.tokenledger.schemas.models;

import java.util.Locale;

/**
 * A model as one provider sells it, written {@code provider/model}: the identity figures are kept
 * under, since one model from two providers (openai and azure.ai.openai gpt-4o, a Claude on
 * anthropic, aws.bedrock and gcp.vertex_ai) has two prices. The provider never contains '/'
 * (the validator and the price rules refuse it); the model may ({@code openrouter/anthropic/claude-3.5-sonnet}),
 * so the provider ends at the first '/'.
 *
 * <p>{@code provider} is null for a figure kept before figures were provider-qualified (written as
 * the model alone): its provider was not recorded and is never guessed.
 */
public record ProviderModel(String provider, String model) {
  public ProviderModel {
    if (model == null) {
      throw new IllegalArgumentException("a model is required");
    }
  }

  /** The identity of a provider and a model as figures key them: both lower case and trimmed. */
  public static ProviderModel of(String provider, String model) {
    return new ProviderModel(provider.strip().toLowerCase(Locale.ROOT), model.strip().toLowerCase(Locale.ROOT));
  }

  /** Reads {@link #toString()}: {@code provider/model}, or a model alone (provider not recorded). */
  public static ProviderModel parse(String text) {
    int slash = text.indexOf('/');
    return slash < 0 ? new ProviderModel(null, text) : new ProviderModel(text.substring(0, slash),
        text.substring(slash + 1));
  }

  /** Whether the provider was recorded (every figure kept since figures were provider-qualified). */
  public boolean hasProvider() {
    return provider != null;
  }

  /** Whether this is the named model of any provider, as reported or normalised. */
  public boolean isModel(String name) {
    return model.equals(name) || ModelNames.normalise(model).equals(ModelNames.normalise(name));
  }

  @Override
  public String toString() {
    return provider == null ? model : provider + '/' + model;
  }
}
