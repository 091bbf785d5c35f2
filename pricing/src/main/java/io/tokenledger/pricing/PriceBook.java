package io.tokenledger.pricing;

import io.tokenledger.schemas.models.ModelNames;
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
  private final Map<String, NavigableMap<Long, PriceVersion>> versionsByModel = new ConcurrentHashMap<>();

  /** The catalog key of a version: {@code provider/model@effective_from}. */
  public static String catalogKey(PriceVersion price) {
    return ModelNames.key(price.getProvider(), price.getModel()) + "@" + price.getEffectiveFrom();
  }

  public void put(PriceVersion price) {
    versionsByModel.compute(ModelNames.key(price.getProvider(), price.getModel()), (key, old) -> {
      TreeMap<Long, PriceVersion> next = old == null ? new TreeMap<>() : new TreeMap<>(old);
      next.put(price.getEffectiveFrom().toEpochMilli(), price);
      return java.util.Collections.unmodifiableNavigableMap(next);
    });
  }

  /** Removes the version a catalog key names (a tombstone on the catalog topic). */
  public void remove(String catalogKey) {
    int at = catalogKey.lastIndexOf('@');
    if (at < 0) {
      return;
    }
    long effectiveFrom = Instant.parse(catalogKey.substring(at + 1)).toEpochMilli();
    versionsByModel.computeIfPresent(catalogKey.substring(0, at), (key, old) -> {
      TreeMap<Long, PriceVersion> next = new TreeMap<>(old);
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

  /** The same, with the keys already worked out (the per-event path). */
  public Optional<PriceVersion> priceAt(ModelKeys keys, long eventTimeMillis) {
    PriceVersion exact = inForce(keys.exact(), eventTimeMillis);
    return exact != null ? Optional.of(exact) : Optional.ofNullable(inForce(keys.normalisedKey(), eventTimeMillis));
  }

  /**
   * The price in force for a canonical model whatever its provider (the ledgers key series by
   * model only); empty when no provider, or more than one, lists it at that time.
   */
  public Optional<PriceVersion> priceOfModel(String canonicalModel, long timeMillis) {
    PriceVersion found = null;
    for (String key : versionsByModel.keySet()) {
      if (key.endsWith("/" + canonicalModel)) {
        PriceVersion version = inForce(key, timeMillis);
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
   * Every version, of every catalog key (provider and model as listed) whose model is
   * {@code canonicalModel} once normalised, that is in force at some time in [from, to): what
   * may have priced that model's ledger buckets in the period.
   */
  public java.util.List<PriceVersion> versionsPricing(String canonicalModel, Instant from, Instant to) {
    java.util.List<PriceVersion> found = new java.util.ArrayList<>();
    versionsByModel.forEach((key, versions) -> {
      if (!ModelNames.normalise(key).equals(canonicalModel)) {
        return;
      }
      Long first = versions.floorKey(from.toEpochMilli());
      versions.subMap(first == null ? Long.MIN_VALUE : first, true, to.toEpochMilli(), false).values()
          .forEach(found::add);
    });
    found.sort(java.util.Comparator.comparing(PriceBook::catalogKey));
    return found;
  }

  private PriceVersion inForce(String key, long eventTimeMillis) {
    NavigableMap<Long, PriceVersion> versions = versionsByModel.get(key);
    if (versions == null) {
      return null;
    }
    Map.Entry<Long, PriceVersion> entry = versions.floorEntry(eventTimeMillis);
    return entry == null ? null : entry.getValue();
  }
}
