package io.tokenledger.pricing;

import io.tokenledger.schemas.ledger.LedgerBuckets;

import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.models.ModelNames;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.topics.SeriesKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Re-rating after a price correction: for every (team, workflow, provider, model) 15-minute ledger
 * bucket that the corrected catalog entry priced in [from, to), the bucket's tokens at the corrected price against what
 * the bucket costs now (earlier corrections included). A bucket's new cost is its token sums
 * times the corrected base prices in pico-USD, rounded half-up once for the bucket; it can
 * differ from pricing each event afresh by at most half a nano-USD per event in the bucket.
 * A long-context tier cannot be re-rated from bucket sums, so corrections carry base prices only.
 */
public final class Rerating {
  private Rerating() {}

  /** What a correction is: the model, the period and the prices it should have had. */
  public record Spec(PriceVersion corrected, Instant from, Instant to, String reason, String correctedBy) {
    public Spec {
      if (corrected.getLongContextTier() != null) {
        throw new IllegalArgumentException("a correction re-rates ledger buckets, which keep no event sizes: it cannot "
            + "apply a long-context tier; correct the base prices only");
      }
      if (!LedgerBuckets.isStart(from.toEpochMilli()) || !LedgerBuckets.isStart(to.toEpochMilli())) {
        throw new IllegalArgumentException("a correction's period must start and end on a 15-minute boundary (the "
            + "ledger's buckets), e.g. a date");
      }
      if (!to.isAfter(from)) {
        throw new IllegalArgumentException("the period's end " + to + " must be after its start " + from);
      }
    }

    /** The same correction always has the same id: its model, period and prices, not its wording. */
    public String id() {
      String spec = identity(this) + "@" + from + ".." + to
          + ':' + corrected.getUncachedInputMicroUsdPerMtok() + ',' + corrected.getCacheReadMicroUsdPerMtok() + ','
          + corrected.getCacheWriteMicroUsdPerMtok() + ',' + corrected.getOutputMicroUsdPerMtok() + ','
          + corrected.getReasoningMicroUsdPerMtok();
      try {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(spec.getBytes(StandardCharsets.UTF_8));
        return "corr-" + HexFormat.of().formatHex(hash, 0, 8);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The ledger series a correction's bucket is in. */
  public static SeriesKey series(PriceCorrection c) {
    return new SeriesKey(c.getTeam(), c.getWorkflow(), ProviderModel.of(c.getProvider(), c.getModel()));
  }

  /**
   * What makes one bucket's correction the same one: its id, series, bucket and the cost it was
   * re-rated from. Only compared, never split.
   */
  public static String appliedKey(PriceCorrection c) {
    return c.getCorrectionId() + '|' + series(c) + '|'
        + c.getBucketStart().toEpochMilli() + '|' + c.getOldCostNanoUsd();
  }

  /**
   * Why a correction cannot be made exactly, if it cannot: when a version of the corrected entry
   * in force in the period has a long-context tier, since the buckets keep no event sizes and
   * re-rating would drop the premium billed events paid. (Buckets are kept per catalog entry that
   * priced them, so correcting one entry never touches another provider's or snapshot's.)
   */
  public static Optional<String> refusal(PriceBook catalog, Spec spec) {
    ProviderModel entry = identity(spec);
    List<String> tiered = catalog.versionsOf(entry, spec.from(), spec.to()).stream()
        .filter(v -> v.getLongContextTier() != null).map(PriceBook::catalogKey).toList();
    if (!tiered.isEmpty()) {
      return Optional.of("the price in force in the period (" + String.join(", ", tiered) + ") has a long-context "
          + "tier, which ledger buckets cannot re-rate (they keep no event sizes): a correction would drop the premium "
          + "that long calls paid; correct a period without a tiered price");
    }
    return Optional.empty();
  }

  /** The provider and model whose buckets a correction re-rates: the corrected catalog entry. */
  public static ProviderModel identity(Spec spec) {
    return ProviderModel.of(spec.corrected().getProvider(), spec.corrected().getModel());
  }

  /**
   * The corrections of every affected bucket, from the ledger's latest record of each bucket:
   * the buckets of the corrected provider and catalog model in the period. Buckets whose cost
   * does not change are left out (so running it again gives none), and so are buckets kept
   * before figures were provider-qualified (see {@link #unrecordedProvider}).
   */
  public static List<PriceCorrection> corrections(Iterable<UsageAggregate> latestBuckets, Spec spec, Instant now) {
    ProviderModel entry = identity(spec);
    String id = spec.id();
    PricedVersion corrected = PricedVersion.of(spec.corrected());
    List<PriceCorrection> corrections = new ArrayList<>();
    for (UsageAggregate bucket : latestBuckets) {
      SeriesKey series = SeriesKey.parse(bucket.getScope());
      Instant start = bucket.getWindowStart();
      if (!series.providerModel().equals(entry) || start.isBefore(spec.from()) || !start.isBefore(spec.to())) {
        continue;
      }
      long newCost = corrected.bucketNanoUsd(bucket);
      long oldCost = bucket.getCostNanoUsd();
      if (newCost == oldCost) {
        continue;
      }
      corrections.add(PriceCorrection.newBuilder().setCorrectionId(id).setTeam(series.team())
          .setWorkflow(series.workflow()).setProvider(entry.provider()).setModel(entry.model())
          .setBucketStart(start).setDay(start.atOffset(ZoneOffset.UTC).toLocalDate().toString())
          .setEventCount(bucket.getEventCount()).setOldCostNanoUsd(oldCost).setNewCostNanoUsd(newCost)
          .setDifferenceNanoUsd(newCost - oldCost).setReason(spec.reason()).setCorrectedBy(spec.correctedBy())
          .setCorrectedAt(now).build());
    }
    return corrections;
  }

  /**
   * The buckets of the corrected model in the period kept before figures were provider-qualified:
   * their provider was not recorded, so no correction of one provider's entry re-rates them.
   */
  public static List<UsageAggregate> unrecordedProvider(Iterable<UsageAggregate> latestBuckets, Spec spec) {
    ProviderModel entry = identity(spec);
    List<UsageAggregate> found = new ArrayList<>();
    for (UsageAggregate bucket : latestBuckets) {
      SeriesKey series = SeriesKey.parse(bucket.getScope());
      Instant start = bucket.getWindowStart();
      if (series.provider() == null && series.providerModel().isModel(entry.model()) && !start.isBefore(spec.from())
          && start.isBefore(spec.to())) {
        found.add(bucket);
      }
    }
    return found;
  }

  /**
   * The catalog versions that make the catalog say the corrected price for the period from now
   * on, so that late events are priced right: the corrected version at the period's start, the
   * corrected prices in place of every version that began inside the period, and the price in
   * force at the period's end back in force there (unless a version begins there already).
   *
   * @param catalog every version the catalog holds now
   */
  public static List<PriceVersion> catalogFix(java.util.Collection<PriceVersion> catalog, Spec spec) {
    PriceVersion corrected = spec.corrected();
    PriceBook before = new PriceBook();
    catalog.forEach(before::put);
    String model = ModelNames.key(corrected.getProvider(), corrected.getModel());
    Optional<PriceVersion> atEnd = before.priceAt(corrected.getProvider(), corrected.getModel(), spec.to().toEpochMilli());
    String source = spec.id() + ": " + spec.reason();
    List<PriceVersion> writes = new ArrayList<>();
    writes.add(PriceVersion.newBuilder(corrected).setSource(source).build());
    boolean versionAtEnd = false;
    for (PriceVersion v : catalog) {
      if (!ModelNames.key(v.getProvider(), v.getModel()).equals(model)) {
        continue;
      }
      if (v.getEffectiveFrom().isAfter(spec.from()) && v.getEffectiveFrom().isBefore(spec.to())) {
        writes.add(PriceVersion.newBuilder(corrected).setEffectiveFrom(v.getEffectiveFrom()).setSource(source).build());
      }
      versionAtEnd |= v.getEffectiveFrom().equals(spec.to());
    }
    if (!versionAtEnd && atEnd.isPresent()) {
      writes.add(PriceVersion.newBuilder(atEnd.get()).setEffectiveFrom(spec.to())
          .setSource("in force again after " + spec.id()).build());
    }
    return writes;
  }
}
