package io.tokenledger.pricing;

import io.tokenledger.schemas.PriceTier;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.ServiceTierPrice;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes a price version usable, and what makes it look like a unit mistake. The topology
 * refuses a version with {@link #problems}; {@code tokenledger prices} refuses those and, unless
 * forced, {@link #suspicions} too, each with the reason and the unit next to the number.
 */
public final class PriceRules {
  /** Below $0.001 per 1M tokens, a price was most likely entered per token ($2.5e-06). */
  static final long MIN_PLAUSIBLE_MICRO = 1_000;
  /** Above $2,000 per 1M tokens (no model lists that), a price was most likely entered per 1K tokens or in micro-USD. */
  static final long MAX_PLAUSIBLE_MICRO = 2_000_000_000L;

  private PriceRules() {}

  /** Problems that make a version unusable: the topology refuses it whoever wrote it. */
  public static List<String> problems(PriceVersion price) {
    List<String> problems = new ArrayList<>();
    if (!"USD".equals(price.getCurrency())) {
      problems.add("currency " + price.getCurrency() + " is not supported (only USD)");
    }
    name(problems, "provider", price.getProvider());
    name(problems, "model", price.getModel());
    if (price.getEffectiveFrom() == null || price.getEffectiveFrom().toEpochMilli() < 0) {
      problems.add("effective_from must be a UTC time");
    }
    for (Named p : vector(price)) {
      if (p.micro < 0) {
        problems.add(p.name + " is negative: " + p.micro + " micro-USD per 1M tokens");
      }
    }
    for (ServiceTierPrice t : price.getServiceTiers()) {
      if (!t.getTier().matches("[a-z0-9][a-z0-9_-]{0,31}") || io.tokenledger.schemas.models.ServiceTiers.normalise(
          t.getTier()) == null) {
        problems.add("service tier '" + t.getTier() + "' must be a lower-case tier name other than the standard one "
            + "(batch, flex, priority)");
      }
      for (Named p : serviceTier(t)) {
        if (p.micro < 0) {
          problems.add(t.getTier() + " " + p.name + " is negative: " + p.micro + " micro-USD per 1M tokens");
        }
      }
    }
    if (price.getExactPrices() != null) {
      try {
        io.tokenledger.schemas.ExactPrices x = price.getExactPrices();
        for (String exact : java.util.Arrays.asList(x.getUncachedInput(), x.getCacheRead(), x.getCacheWrite(),
            x.getOutput(), x.getReasoning(), x.getCacheWrite1h(), x.getAudioInput(), x.getAudioOutput())) {
          if (exact != null && new java.math.BigDecimal(exact).signum() < 0) {
            problems.add("exact price " + exact + " USD per 1M tokens is negative");
          }
        }
      } catch (NumberFormatException | ArithmeticException e) {
        problems.add("exact_prices must be plain decimals in USD per 1M tokens: " + e.getMessage());
      }
    }
    PriceTier tier = price.getLongContextTier();
    if (tier != null) {
      if (tier.getAboveInputTokens() <= 0) {
        problems.add("the long-context tier's threshold must be above 0 input tokens, was " + tier.getAboveInputTokens());
      }
      for (Named p : tier(tier)) {
        if (p.micro < 0) {
          problems.add("long-context " + p.name + " is negative: " + p.micro + " micro-USD per 1M tokens");
        }
      }
    }
    return problems;
  }

  /** What looks like a unit mistake: refused by the CLI unless {@code --force}. */
  public static List<String> suspicions(PriceVersion price) {
    List<String> suspicions = new ArrayList<>();
    List<Named> all = new ArrayList<>(vector(price));
    if (price.getLongContextTier() != null) {
      tier(price.getLongContextTier()).forEach(p -> all.add(new Named("long-context " + p.name, p.micro)));
    }
    for (Named p : all) {
      if (p.micro > 0 && p.micro < MIN_PLAUSIBLE_MICRO) {
        suspicions.add(p.name + " is $" + PriceUnits.usdPerMillion(p.micro) + " per 1M tokens: that looks like a price "
            + "per token; enter " + PriceUnits.UNIT + " (gpt-4o input is 2.50)");
      } else if (p.micro > MAX_PLAUSIBLE_MICRO) {
        suspicions.add(p.name + " is $" + PriceUnits.usdPerMillion(p.micro) + " per 1M tokens, more than any model "
            + "lists: was a price per 1K tokens or in micro-USD entered? Enter " + PriceUnits.UNIT);
      }
    }
    if (price.getCacheReadMicroUsdPerMtok() > price.getUncachedInputMicroUsdPerMtok()) {
      suspicions.add("cache_read ($" + PriceUnits.usdPerMillion(price.getCacheReadMicroUsdPerMtok()) + " per 1M) is "
          + "above uncached input ($" + PriceUnits.usdPerMillion(price.getUncachedInputMicroUsdPerMtok())
          + " per 1M): a cache read is a discount on input; are the two swapped?");
    }
    return suspicions;
  }

  private record Named(String name, long micro) {}

  private static List<Named> vector(PriceVersion p) {
    List<Named> vector = new ArrayList<>(List.of(new Named("uncached_input", p.getUncachedInputMicroUsdPerMtok()),
        new Named("cache_read", p.getCacheReadMicroUsdPerMtok()), new Named("cache_write", p.getCacheWriteMicroUsdPerMtok()),
        new Named("output", p.getOutputMicroUsdPerMtok()), new Named("reasoning", p.getReasoningMicroUsdPerMtok())));
    if (p.getCacheWrite1hMicroUsdPerMtok() != null) {
      vector.add(new Named("cache_write_1h", p.getCacheWrite1hMicroUsdPerMtok()));
    }
    if (p.getAudioInputMicroUsdPerMtok() != null) {
      vector.add(new Named("audio_input", p.getAudioInputMicroUsdPerMtok()));
    }
    if (p.getAudioOutputMicroUsdPerMtok() != null) {
      vector.add(new Named("audio_output", p.getAudioOutputMicroUsdPerMtok()));
    }
    return vector;
  }

  private static List<Named> serviceTier(ServiceTierPrice t) {
    return List.of(new Named("uncached_input", t.getUncachedInputMicroUsdPerMtok()),
        new Named("cache_read", t.getCacheReadMicroUsdPerMtok()), new Named("cache_write", t.getCacheWriteMicroUsdPerMtok()),
        new Named("output", t.getOutputMicroUsdPerMtok()), new Named("reasoning", t.getReasoningMicroUsdPerMtok()));
  }

  private static List<Named> tier(PriceTier t) {
    return List.of(new Named("uncached_input", t.getUncachedInputMicroUsdPerMtok()),
        new Named("cache_read", t.getCacheReadMicroUsdPerMtok()), new Named("cache_write", t.getCacheWriteMicroUsdPerMtok()),
        new Named("output", t.getOutputMicroUsdPerMtok()), new Named("reasoning", t.getReasoningMicroUsdPerMtok()));
  }

  /**
   * Names join into catalog keys as {@code provider/model@effective_from}, and figures are keyed
   * {@code team|workflow|provider:tier/model}: a provider may contain none of '@', '/', ':' and '|';
   * a model may contain them (Vertex's {@code claude-sonnet-4@20250514},
   * OpenRouter's {@code anthropic/claude-3.5-sonnet}), since a key is split at its first '/' and
   * its last '@'.
   */
  private static final String PROVIDER_SEPARATORS = "@/:|";

  private static void name(List<String> problems, String field, String value) {
    if (value == null || value.isBlank()) {
      problems.add(field + " is required");
    } else if (field.equals("provider") && PROVIDER_SEPARATORS.chars().anyMatch(c -> value.indexOf(c) >= 0)) {
      problems.add(field + " '" + value + "' must not contain any of " + PROVIDER_SEPARATORS);
    }
  }
}
