package io.tokenledger.aggregation;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.topics.Topics;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A known price for the integration tests of this module. */
public final class TestPrices {
  /** gpt-4o at $2.50 per 1M uncached input tokens: 1,000 tokens cost 2,500,000 nano-USD. */
  public static final long COST_OF_1000_INPUT_TOKENS_NANO_USD = 2_500_000;

  private TestPrices() {}

  /** gpt-4o at list price since 2025: $2.50 input, $1.25 cached, $10 output per 1M tokens. */
  public static PriceVersion gpt4o() {
    return PriceVersion.newBuilder().setProvider("openai").setModel("gpt-4o")
        .setEffectiveFrom(Instant.parse("2025-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(2_500_000)
        .setCacheReadMicroUsdPerMtok(1_250_000).setCacheWriteMicroUsdPerMtok(2_500_000)
        .setOutputMicroUsdPerMtok(10_000_000).setReasoningMicroUsdPerMtok(10_000_000).build();
  }

  public static void publishGpt4o(String bootstrapServers, Topics topics) throws Exception {
    PriceVersion price = gpt4o();
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers), topics.prices.keySerde().serializer(), topics.prices.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topics.prices.name(), PriceBook.catalogKey(price), price)).get();
    }
  }
}
