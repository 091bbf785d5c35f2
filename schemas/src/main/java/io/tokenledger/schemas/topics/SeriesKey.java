package io.tokenledger.schemas.topics;

import io.tokenledger.schemas.models.ProviderModel;

/**
 * The key of a (team, workflow, provider, model) series on the team-workflow-model aggregate and
 * ledger topics and in their stores.
 *
 * <p>Layouts: since figures are provider-qualified (layout 2) a key is
 * {@code team|workflow|provider/model}, or {@code team|workflow|provider:tier/model} for a service
 * tier other than the standard one ({@link ProviderModel}), the model being the catalog model that
 * priced the series (its price SKU), or the normalised reported model while unpriced. Before that (layout 1) it was
 * {@code team|workflow|model}; such keys are still read, with no provider (normalised models never
 * contain '/', so the two cannot be confused). Team and workflow never contain '|' and a provider
 * never contains '|' or '/' (the validator refuses them); a model may contain either, so it is
 * always the last part.
 */
public record SeriesKey(String team, String workflow, String provider, String model, String serviceTier) {
  private static final char SEPARATOR = '|';

  /** A series of the standard service tier. */
  public SeriesKey(String team, String workflow, String provider, String model) {
    this(team, workflow, provider, model, null);
  }

  public SeriesKey(String team, String workflow, ProviderModel model) {
    this(team, workflow, model.provider(), model.model(), model.serviceTier());
  }

  /** Reads a key written by {@link #toString()}, in either layout. */
  public static SeriesKey parse(String key) {
    int first = key.indexOf(SEPARATOR);
    int second = first < 0 ? -1 : key.indexOf(SEPARATOR, first + 1);
    if (second < 0) {
      throw new IllegalArgumentException("Not a team|workflow|provider/model key: '" + key + "'");
    }
    return new SeriesKey(key.substring(0, first), key.substring(first + 1, second),
        ProviderModel.parse(key.substring(second + 1)));
  }

  /** The team of a key that is either a team or a {@code team|...} key. */
  public static String teamOf(String key) {
    int first = key.indexOf(SEPARATOR);
    return first < 0 ? key : key.substring(0, first);
  }

  /** The provider, model and service tier, as the per-model aggregates key them. */
  public ProviderModel providerModel() {
    return new ProviderModel(provider, model, serviceTier);
  }

  /**
   * A key from its team, workflow and the provider/model text ({@link ProviderModel#toString()}),
   * when that text is at hand already: the per-event path works it out once per model.
   */
  public static String text(String team, String workflow, String providerModel) {
    return team + SEPARATOR + workflow + SEPARATOR + providerModel;
  }

  /** The key of a record's scope, if the scope is one (alerts carry one as text). */
  public static java.util.Optional<SeriesKey> tryParse(String scope) {
    try {
      return java.util.Optional.of(parse(scope));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public String toString() {
    return text(team, workflow, providerModel().toString());
  }
}
