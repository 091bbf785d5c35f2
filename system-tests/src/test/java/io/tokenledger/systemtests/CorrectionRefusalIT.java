package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code prices correct} refuses what it cannot do exactly, on a real broker: while corrections
 * published earlier are not applied by the aggregation yet, and when the entry in force in the
 * period has a long-context tier (buckets keep no event sizes). Another catalog entry of the model
 * (a snapshot, another provider) is not in the way: buckets are kept per entry that priced them.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class CorrectionRefusalIT {
  @Test
  void refusesWhileCorrectionsArePendingAndWhenATierIsInForce(EmbeddedKafka kafka) throws Exception {
    String prefix = "refuse-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    Topics topics = Topics.from(Map.of(Topics.PREFIX_CONFIG, prefix));
    TopicApplier.apply(kafka.admin(), topics.all());
    Path config = Files.createTempFile(Path.of("target"), "refuse", ".properties");
    Files.writeString(config, Topics.PREFIX_CONFIG + "=" + prefix + "\n");
    String[] kafkaArgs = {"--bootstrap-servers", kafka.bootstrapServers(), "--config", config.toString()};
    // Days relative to today: a correction reaches back only as far as the period ledgers keep (62 days).
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    java.time.LocalDate period = today.minusDays(20);
    assertEquals(0, Cli.run(args(kafkaArgs, "prices", "set", "--provider", "openai", "--model", "gpt-4o",
        "--input", "25", "--output", "100", "--effective-from", today.minusYears(1).toString(), "--set-by", "someone")));
    String[] correct = args(kafkaArgs, "prices", "correct", "--provider", "openai", "--model", "gpt-4o", "--input",
        "2.50", "--output", "10", "--effective-from", period.toString(), "--to", period.plusDays(1).toString(),
        "--reason", "x10", "--set-by", "finops@acme");

    PriceCorrection earlier = PriceCorrection.newBuilder().setCorrectionId("corr-earlier").setTeam("support")
        .setWorkflow("triage").setProvider("openai").setModel("gpt-4o")
        .setBucketStart(period.atTime(10, 0).toInstant(java.time.ZoneOffset.UTC)).setDay(period.toString())
        .setEventCount(1)
        .setOldCostNanoUsd(100).setNewCostNanoUsd(10).setDifferenceNanoUsd(-90).setReason("earlier")
        .setCorrectedBy("ops").setCorrectedAt(Instant.now()).build();
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), topics.priceCorrections.keySerde().serializer(),
        topics.priceCorrections.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topics.priceCorrections.name(), "support", earlier)).get();
    }
    String pending = Cli.refusal(2, correct);
    assertTrue(pending.contains("Nothing corrected: 1 price corrections on " + topics.priceCorrections.name()
        + " are not applied by the aggregation (consumer group " + AggregationApp.APPLICATION_ID + ") yet"), pending);

    // Once the aggregation's group has consumed it, the correction runs (no usage: nothing to re-rate).
    int partitions = topics.priceCorrections.spec().partitions();
    Map<TopicPartition, OffsetAndMetadata> consumed = new java.util.HashMap<>();
    for (int p = 0; p < partitions; p++) {
      TopicPartition tp = new TopicPartition(topics.priceCorrections.name(), p);
      long end = kafka.admin().listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).all()
          .get(30, TimeUnit.SECONDS).get(tp).offset();
      consumed.put(tp, new OffsetAndMetadata(end));
    }
    kafka.admin().alterConsumerGroupOffsets(AggregationApp.APPLICATION_ID, consumed).all().get(30, TimeUnit.SECONDS);
    String ran = Cli.output(correct);
    assertTrue(ran.contains("Nothing to re-rate"), ran);

    // A snapshot and another provider with prices of their own are kept apart in the ledger: not in the way.
    assertEquals(0, Cli.run(args(kafkaArgs, "prices", "set", "--provider", "openai", "--model", "gpt-4o-2024-05-13",
        "--input", "5", "--output", "15", "--effective-from", today.minusYears(1).toString(), "--set-by", "someone")));
    assertEquals(0, Cli.run(args(kafkaArgs, "prices", "set", "--provider", "azure.ai.openai", "--model", "gpt-4o",
        "--input", "2.75", "--output", "11", "--effective-from", today.minusYears(1).toString(), "--set-by",
        "someone")));
    String again = Cli.output(correct);
    assertTrue(again.contains("Nothing to re-rate"), again);

    // A long-context tier in force in the period cannot be re-rated from bucket sums.
    assertEquals(0, Cli.run(args(kafkaArgs, "prices", "set", "--provider", "openai", "--model", "gpt-4o",
        "--input", "25", "--output", "100", "--tier-above-input-tokens", "200000", "--tier-input", "50",
        "--tier-output", "150", "--effective-from", today.minusDays(30).toString(), "--set-by", "someone")));
    String tiered = Cli.refusal(2, args(kafkaArgs, "prices", "correct", "--provider", "openai", "--model", "gpt-4o",
        "--input", "2.50", "--output", "10", "--effective-from", today.minusDays(26).toString(), "--to",
        today.minusDays(25).toString(), "--reason", "x10", "--set-by", "finops@acme"));
    assertTrue(tiered.contains("Nothing corrected: the price in force in the period (openai/gpt-4o@"
        + today.minusDays(30) + "T00:00:00Z) has a long-context tier"), tiered);
  }

  private static String[] args(String[] kafkaArgs, String... command) {
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(command));
    all.addAll(java.util.List.of(kafkaArgs));
    return all.toArray(String[]::new);
  }
}
