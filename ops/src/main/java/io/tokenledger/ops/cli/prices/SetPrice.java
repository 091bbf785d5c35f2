package io.tokenledger.ops.cli.prices;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.Times;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.CatalogDiff;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PriceUnits;
import io.tokenledger.schemas.PriceTier;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.topics.Topics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code prices set}: one price version, checked against the pricing's rules and for unit mistakes. */
@Command(name = "set", mixinStandardHelpOptions = true,
    description = {"Adds a price version of one model, in force from --effective-from until the next version.",
        "Prices in " + PriceUnits.UNIT + ", e.g. --input 2.50 --output 10 (gpt-4o)."})
class SetPrice implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--provider", required = true, description = "openai, anthropic, gcp.gemini, aws.bedrock, ...")
  String provider;

  @Option(names = "--model", required = true, description = "The catalog model name, e.g. gpt-4o.")
  String model;

  @Option(names = "--input", required = true, description = "Uncached input, " + PriceUnits.UNIT + ".")
  String input;

  @Option(names = "--cache-read", description = "Cache-read input (default: the input price).")
  String cacheRead;

  @Option(names = "--cache-write", description = "Cache-write input (default: the input price).")
  String cacheWrite;

  @Option(names = "--output", required = true, description = "Output, " + PriceUnits.UNIT + ".")
  String output;

  @Option(names = "--reasoning", description = "Reasoning output (default: the output price).")
  String reasoning;

  @Option(names = "--tier-above-input-tokens", description = "A long-context tier: prices above this many input tokens.")
  Long tierAbove;

  @Option(names = "--tier-input", description = "The tier's uncached input price.")
  String tierInput;

  @Option(names = "--tier-output", description = "The tier's output price.")
  String tierOutput;

  @Option(names = "--effective-from", required = true, description = "A date (UTC midnight) or an ISO instant.")
  String effectiveFrom;

  @Option(names = "--source", description = "Where the price comes from: a price page, a contract.")
  String source;

  @Option(names = "--set-by", description = "Who sets it (default: the user running the command).")
  String setBy;

  @Option(names = "--force", description = "Write it even though it looks like a unit mistake.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    PriceVersion price;
    try {
      price = build();
    } catch (IllegalArgumentException e) {
      System.err.println("Price not set: " + e.getMessage());
      return 2;
    }
    if (!PricesCommand.acceptable(price, force)) {
      return 2;
    }
    Topics topics = kafka.appliedTopics();
    CompactedTopics.write(kafka.settings(), topics.prices, PriceBook.catalogKey(price), price);
    System.out.println("Set " + PriceBook.catalogKey(price) + ": " + CatalogDiff.describe(price));
    return 0;
  }

  PriceVersion build() {
    long in = PriceUnits.fromUsdPerMillion(input);
    long out = PriceUnits.fromUsdPerMillion(output);
    PriceVersion.Builder price = PriceVersion.newBuilder().setProvider(provider.strip())
        .setModel(model.strip()).setEffectiveFrom(Times.instant(effectiveFrom, "--effective-from"))
        .setUncachedInputMicroUsdPerMtok(in)
        .setCacheReadMicroUsdPerMtok(cacheRead == null ? in : PriceUnits.fromUsdPerMillion(cacheRead))
        .setCacheWriteMicroUsdPerMtok(cacheWrite == null ? in : PriceUnits.fromUsdPerMillion(cacheWrite))
        .setOutputMicroUsdPerMtok(out)
        .setReasoningMicroUsdPerMtok(reasoning == null ? out : PriceUnits.fromUsdPerMillion(reasoning))
        .setSource(source).setSetBy(setBy != null ? setBy : System.getProperty("user.name", "unknown"));
    if (tierAbove != null) {
      if (tierInput == null || tierOutput == null) {
        throw new IllegalArgumentException("a tier needs --tier-input and --tier-output");
      }
      long tierIn = PriceUnits.fromUsdPerMillion(tierInput);
      long tierOut = PriceUnits.fromUsdPerMillion(tierOutput);
      price.setLongContextTier(PriceTier.newBuilder().setAboveInputTokens(tierAbove)
          .setUncachedInputMicroUsdPerMtok(tierIn).setCacheReadMicroUsdPerMtok(price.getCacheReadMicroUsdPerMtok())
          .setCacheWriteMicroUsdPerMtok(price.getCacheWriteMicroUsdPerMtok()).setOutputMicroUsdPerMtok(tierOut)
          .setReasoningMicroUsdPerMtok(tierOut).build());
    }
    return price.build();
  }
}
