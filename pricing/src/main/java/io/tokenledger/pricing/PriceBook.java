package io.tokenledger.pricing;

import io.tokenledger.schemas.models.ModelNames;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.PriceVersion;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Effective-dated prices, in memory, for lookups on the per-event path. Written by the
 * global price-catalog thread, read by stream threads: each model's versions are an
 * immutable map replaced as a whole.
 */
public final class PriceBook {
  private final Map<String, NavigableMap<Long, PricedVersion>> versionsByModel = new ConcurrentHashMap<>();

  /** The catalog key of a version: {@code provider/model@effective_from}. */
  public static String catalogKey(PriceVersion price) {
    return ModelNames.key(price.getProvider(), price.getModel()) + "@" + price.getEffectiveFrom();
  }

  public void put(PriceVersion price) {
    versionsByModel.compute(ModelNames.key(price.getProvider(), price.getModel()), (key, old) -> {
      TreeMap<Long, PricedVersion> next = old == null ? new TreeMap<>() : new TreeMap<>(old);
      next.put(price.getEffectiveFrom().toEpochMilli(), PricedVersion.of(price));
      return java.util.Collections.unmodifiableNavigableMap(next);
    });
  }

  /** Removes the version a catalog key names (a tombstone on the catalog topic). */
  /**
   * One record of the catalog topic, as every service loads it: a tombstone removes the version,
   * and a version that breaks the price rules is never used (the CLI refuses it; the aggregation
   * logs it).
   */
  public void apply(String catalogKey, PriceVersion price) {
    if (price == null || !PriceRules.problems(price).isEmpty()) {
      remove(catalogKey);
    } else {
      put(price);
    }
  }

  public void remove(String catalogKey) {
    int at = catalogKey.lastIndexOf('@');
    if (at < 0) {
      return;
    }
    long effectiveFrom = Instant.parse(catalogKey.substring(at + 1)).toEpochMilli();
    versionsByModel.computeIfPresent(catalogKey.substring(0, at), (key, old) -> {
      TreeMap<Long, PricedVersion> next = new TreeMap<>(old);
      next.remove(effectiveFrom);
      return next.isEmpty() ? null : java.util.Collections.unmodifiableNavigableMap(next);
    });
  }

  /**
   * The price in force for this provider and reported model at the event time: the exact
   * reported name first, then its normalised name.
   */
  public Optional<PriceVersion> priceAt(String provider, String reportedModel, long eventTimeMillis) {
    return priceAt(ModelKeys.of(provider, reportedModel), eventTimeMillis);
  }

  /** The same, with the keys already worked out. */
  public Optional<PriceVersion> priceAt(ModelKeys keys, long eventTimeMillis) {
    PricedVersion exact = inForce(keys.exact(), eventTimeMillis);
    return Optional.ofNullable(exact != null ? exact : inForce(keys.normalisedKey(), eventTimeMillis))
        .map(PricedVersion::version);
  }

  /**
   * The price in force and the identity it prices under (the per-event path): the reported model
   * when the catalog lists it, else the normalised model; null price when neither is priced.
   */
  public Match match(ModelKeys keys, long eventTimeMillis) {
    PricedVersion exact = inForce(keys.exact(), eventTimeMillis);
    if (exact != null) {
      return new Match(exact, keys.exactModel(), keys.exactModelText());
    }
    return new Match(inForce(keys.normalisedKey(), eventTimeMillis), keys.normalisedModelKey(),
        keys.normalisedModelText());
  }

  /** A price (null: none in force) and the provider, model and service tier figures are kept under. */
  public record Match(PricedVersion price, ProviderModel identity, String identityText) {}

  /**
   * The price in force for a provider's model as figures key it (the catalog model that priced
   * it); empty for a figure whose provider was not recorded unless exactly one provider lists the
   * model then.
   */
  public Optional<PriceVersion> priceOf(ProviderModel model, long timeMillis) {
    return pricedOf(model, timeMillis).map(PricedVersion::version);
  }

  /** The same, with its price vectors worked out (kept with each version, never rebuilt per figure). */
  public Optional<PricedVersion> pricedOf(ProviderModel model, long timeMillis) {
    if (model.hasProvider()) {
      return Optional.ofNullable(inForce(ModelNames.key(model.provider(), model.model()), timeMillis));
    }
    PricedVersion found = null;
    for (String key : versionsByModel.keySet()) {
      if (key.endsWith("/" + model.model())) {
        PricedVersion version = inForce(key, timeMillis);
        if (version != null) {
          if (found != null) {
            return Optional.empty();
          }
          found = version;
        }
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * Every version of one catalog entry (provider and model as listed) in force at some time in
   * [from, to): what may have priced that entry's ledger buckets in the period.
   */
  public java.util.List<PriceVersion> versionsOf(ProviderModel entry, Instant from, Instant to) {
    NavigableMap<Long, PricedVersion> versions = versionsByModel.get(ModelNames.key(entry.provider(), entry.model()));
    if (versions == null) {
      return java.util.List.of();
    }
    Long first = versions.floorKey(from.toEpochMilli());
    return versions.subMap(first == null ? Long.MIN_VALUE : first, true, to.toEpochMilli(), false).values().stream()
        .map(PricedVersion::version).toList();
  }

  private PricedVersion inForce(String key, long eventTimeMillis) {
    NavigableMap<Long, PricedVersion> versions = versionsByModel.get(key);
    if (versions == null) {
      return null;
    }
    Map.Entry<Long, PricedVersion> entry = versions.floorEntry(eventTimeMillis);
    return entry == null ? null : entry.getValue();
  }
}
