package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.Topics;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What the integration tests share: a known price, and reading aggregate topics as a consumer would. */
final class Ledger {
  /** 1,000 uncached input tokens of gpt-4o at $2.50 per 1M tokens. */
  static final long COST_OF_1000_INPUT_TOKENS_NANO_USD = 2_500_000;

  private Ledger() {}

  /** gpt-4o at list price since 2025: $2.50 input, $1.25 cached, $10 output per 1M tokens. */
  static PriceVersion gpt4o() {
    return PriceVersion.newBuilder().setProvider("openai").setModel("gpt-4o")
        .setEffectiveFrom(Instant.parse("2025-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(2_500_000)
        .setCacheReadMicroUsdPerMtok(1_250_000).setCacheWriteMicroUsdPerMtok(2_500_000)
        .setOutputMicroUsdPerMtok(10_000_000).setReasoningMicroUsdPerMtok(10_000_000).build();
  }

  static void publishPrice(String bootstrap, Topics topics, PriceVersion price) throws Exception {
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        topics.prices.keySerde().serializer(), topics.prices.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topics.prices.name(), PriceBook.catalogKey(price), price)).get();
    }
  }

  /** The latest figure of every (key, window): each record is cumulative for its window. */
  static Collection<UsageAggregate> latestPerWindow(List<ConsumerRecord<String, UsageAggregate>> records) {
    Map<String, UsageAggregate> latest = new HashMap<>();
    records.forEach(r -> latest.put(r.key() + "@" + r.value().getWindowStart(), r.value()));
    return latest.values();
  }

  /**
   * The latest count of every (key, bucket) but the clocks', checking as it reads that each is
   * cumulative (never goes down) and costs 1,000 input tokens of gpt-4o per event.
   */
  static Map<String, Long> latestPerBucket(List<ConsumerRecord<String, UsageAggregate>> records) {
    Map<String, Long> latest = new TreeMap<>();
    for (ConsumerRecord<String, UsageAggregate> r : records) {
      if (r.key().startsWith("clock")) {
        continue;
      }
      String bucket = r.key() + "@" + r.value().getWindowStart().toEpochMilli();
      long count = r.value().getEventCount();
      assertTrue(count >= latest.getOrDefault(bucket, 0L), bucket + " went down to " + count);
      assertEquals(count * COST_OF_1000_INPUT_TOKENS_NANO_USD, r.value().getCostNanoUsd(), bucket);
      latest.put(bucket, count);
    }
    return latest;
  }

  static long events(List<ConsumerRecord<String, UsageAggregate>> records) {
    return latestPerWindow(records).stream().mapToLong(UsageAggregate::getEventCount).sum();
  }

  static long costNanoUsd(List<ConsumerRecord<String, UsageAggregate>> records) {
    return latestPerWindow(records).stream().mapToLong(UsageAggregate::getCostNanoUsd).sum();
  }

  static long uncachedInputTokens(List<ConsumerRecord<String, UsageAggregate>> records) {
    return latestPerWindow(records).stream().mapToLong(UsageAggregate::getUncachedInputTokens).sum();
  }
}
