package io.tokenledger.pricing;

import io.tokenledger.schemas.ExactPrices;
import io.tokenledger.schemas.PriceTier;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.ServiceTierPrice;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.models.ServiceTiers;
import io.tokenledger.schemas.tokens.TokenKind;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * A price version with its price vectors worked out once: which prices an event of it pays.
 * <ul>
 *   <li>Base prices; a missing 1-hour cache-write price is the cache-write price, missing audio
 *       prices are the text input and output prices.
 *   <li>An event of a service tier the version lists ({@code batch}, {@code flex},
 *       {@code priority}) pays that tier's text prices, and the base 1-hour and audio prices.
 *   <li>Otherwise an event whose total input (every input kind) is strictly above the
 *       long-context threshold pays the tier's prices for all of it; the tier's missing 1-hour
 *       price is the base one, its audio the base audio.
 * </ul>
 */
public final class PricedVersion {
  private final PriceVersion version;
  private final Rates base;
  private final Rates longContext;
  private final long aboveInputTokens;
  private final Map<String, Rates> serviceTiers;

  private PricedVersion(PriceVersion version) {
    this.version = version;
    this.base = base(version);
    PriceTier tier = version.getLongContextTier();
    this.longContext = tier == null ? null : longContext(tier, base);
    this.aboveInputTokens = tier == null ? Long.MAX_VALUE : tier.getAboveInputTokens();
    Map<String, Rates> tiers = new HashMap<>();
    for (ServiceTierPrice t : version.getServiceTiers()) {
      tiers.put(t.getTier(), Rates.of(new BigDecimal[] {usd(t.getUncachedInputMicroUsdPerMtok()),
          usd(t.getCacheReadMicroUsdPerMtok()), usd(t.getCacheWriteMicroUsdPerMtok()),
          base.usdPerMillion(TokenKind.CACHE_WRITE_1H), usd(t.getOutputMicroUsdPerMtok()),
          usd(t.getReasoningMicroUsdPerMtok()), base.usdPerMillion(TokenKind.AUDIO_INPUT),
          base.usdPerMillion(TokenKind.AUDIO_OUTPUT)}));
    }
    this.serviceTiers = Map.copyOf(tiers);
  }

  public static PricedVersion of(PriceVersion version) {
    return new PricedVersion(version);
  }

  public PriceVersion version() {
    return version;
  }

  /** The prices of the standard tier below any long-context threshold. */
  public Rates base() {
    return base;
  }

  /** The prices of a service tier (normalised: null is the standard tier): its own if listed, else the base. */
  public Rates forTier(String serviceTier) {
    return serviceTier == null ? base : serviceTiers.getOrDefault(serviceTier, base);
  }

  /** The prices one event pays. */
  public Rates ratesFor(UsageEvent event) {
    return ratesFor(event, ServiceTiers.normalise(event.getServiceTier()));
  }

  /** The same, with the event's tier already normalised (the per-event path: once per distinct name). */
  public Rates ratesFor(UsageEvent event, String tier) {
    if (tier != null) {
      Rates own = serviceTiers.get(tier);
      if (own != null) {
        return own;
      }
    }
    return longContext != null && totalInput(event) > aboveInputTokens ? longContext : base;
  }

  /** @throws ArithmeticException if the cost does not fit in a long (absurd input) */
  public long nanoUsd(UsageEvent event) {
    return ratesFor(event).nanoUsd(event);
  }

  /** The same, with the event's tier already normalised. */
  public long nanoUsd(UsageEvent event, String tier) {
    return ratesFor(event, tier).nanoUsd(event);
  }

  /**
   * A ledger bucket's tokens at the prices of its series' service tier, rounded half-up once for
   * the bucket (a re-rating: the bucket keeps its sums, not its events, so no long-context tier).
   */
  public long bucketNanoUsd(UsageAggregate bucket) {
    return forTier(bucket.getServiceTier()).nanoUsd(bucket);
  }

  /** Every kind of input: the prompt size a long-context tier is about. */
  public static long totalInput(UsageEvent e) {
    return e.getUncachedInputTokens() + e.getCacheReadTokens() + e.getCacheWriteTokens() + e.getCacheWrite1hTokens()
        + e.getAudioInputTokens();
  }

  private static Rates base(PriceVersion v) {
    ExactPrices x = v.getExactPrices();
    BigDecimal input = price(x == null ? null : x.getUncachedInput(), v.getUncachedInputMicroUsdPerMtok());
    BigDecimal cacheWrite = price(x == null ? null : x.getCacheWrite(), v.getCacheWriteMicroUsdPerMtok());
    BigDecimal output = price(x == null ? null : x.getOutput(), v.getOutputMicroUsdPerMtok());
    return Rates.of(new BigDecimal[] {input,
        price(x == null ? null : x.getCacheRead(), v.getCacheReadMicroUsdPerMtok()),
        cacheWrite,
        orElse(x == null ? null : x.getCacheWrite1h(), v.getCacheWrite1hMicroUsdPerMtok(), cacheWrite),
        output,
        price(x == null ? null : x.getReasoning(), v.getReasoningMicroUsdPerMtok()),
        orElse(x == null ? null : x.getAudioInput(), v.getAudioInputMicroUsdPerMtok(), input),
        orElse(x == null ? null : x.getAudioOutput(), v.getAudioOutputMicroUsdPerMtok(), output)});
  }

  private static Rates longContext(PriceTier t, Rates base) {
    ExactPrices x = t.getExactPrices();
    return Rates.of(new BigDecimal[] {price(x == null ? null : x.getUncachedInput(), t.getUncachedInputMicroUsdPerMtok()),
        price(x == null ? null : x.getCacheRead(), t.getCacheReadMicroUsdPerMtok()),
        price(x == null ? null : x.getCacheWrite(), t.getCacheWriteMicroUsdPerMtok()),
        orElse(x == null ? null : x.getCacheWrite1h(), t.getCacheWrite1hMicroUsdPerMtok(),
            base.usdPerMillion(TokenKind.CACHE_WRITE_1H)),
        price(x == null ? null : x.getOutput(), t.getOutputMicroUsdPerMtok()),
        price(x == null ? null : x.getReasoning(), t.getReasoningMicroUsdPerMtok()),
        base.usdPerMillion(TokenKind.AUDIO_INPUT), base.usdPerMillion(TokenKind.AUDIO_OUTPUT)});
  }

  /** The exact decimal when there is one, else the micro-USD price. */
  private static BigDecimal price(String exact, long micro) {
    return exact != null ? new BigDecimal(exact) : usd(micro);
  }

  /** The exact decimal, else the micro-USD price, else (neither given) the fallback kind's price. */
  private static BigDecimal orElse(String exact, Long micro, BigDecimal fallback) {
    return exact != null ? new BigDecimal(exact) : micro != null ? usd(micro) : fallback;
  }

  private static BigDecimal usd(long microPerMillion) {
    return BigDecimal.valueOf(microPerMillion, 6);
  }
}
