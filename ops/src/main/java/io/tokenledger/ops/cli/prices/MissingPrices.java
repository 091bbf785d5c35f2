package io.tokenledger.ops.cli.prices;

import io.tokenledger.schemas.tokens.TotalTokens;
import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.platform.topics.TopicScan;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code prices missing}: models seen in usage with no price in force. */
@Command(name = "missing", mixinStandardHelpOptions = true,
    description = "Models seen with no price in force (from the unpriced-usage topic): unbilled until priced.")
final class MissingPrices implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    Topics topics = kafka.appliedTopics();
    Map<String, long[]> seen = new TreeMap<>();
    TopicScan.forEach(kafka.settings(), topics.unpricedUsage, r -> {
      UsageEvent e = r.value();
      long[] s = seen.computeIfAbsent(e.getProvider() + "|" + e.getModel(), k -> new long[] {0, 0, Long.MAX_VALUE, 0});
      s[0]++;
      s[1] += TotalTokens.of(e);
      s[2] = Math.min(s[2], e.getEventTime().toEpochMilli());
      s[3] = Math.max(s[3], e.getEventTime().toEpochMilli());
    });
    if (seen.isEmpty()) {
      System.out.println("Every model seen had a price in force: nothing is unbilled.");
      return 0;
    }
    PriceBook book = PricesCommand.book(PricesCommand.catalog(kafka).values());
    System.out.printf("%-45s %9s %14s  %-24s %-24s %s%n", "PROVIDER/MODEL (as reported)", "EVENTS", "TOKENS",
        "FIRST SEEN", "LAST SEEN", "PRICE NOW");
    seen.forEach((key, s) -> {
      String provider = key.substring(0, key.indexOf('|'));
      String model = key.substring(key.indexOf('|') + 1);
      Optional<PriceVersion> now = book.priceAt(provider, model, System.currentTimeMillis());
      System.out.printf("%-45s %,9d %,14d  %-24s %-24s %s%n", provider + "/" + model, s[0], s[1],
          Instant.ofEpochMilli(s[2]), Instant.ofEpochMilli(s[3]), now.map(p -> "since " + p.getEffectiveFrom()
              + " (" + p.getProvider() + "/" + p.getModel() + ")").orElse("NONE: set one with 'prices set'"));
    });
    return 0;
  }
}
