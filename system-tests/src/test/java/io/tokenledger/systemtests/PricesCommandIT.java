package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code tokenledger prices set|list|history|delete|import|missing} against a real broker, reading the topics back. */
@ExtendWith(EmbeddedKafkaExtension.class)
class PricesCommandIT {
  @Test
  void managesTheCatalogExactlyRefusesUnitMistakesAndImportsWithADiff(EmbeddedKafka kafka) throws Exception {
    String bootstrap = "--bootstrap-servers=" + kafka.bootstrapServers();
    Topics topics = Topics.defaults();
    assertEquals(0, Cli.run("prices", "set", bootstrap, "--provider", "openai", "--model", "gpt-4o", "--input", "2.50",
        "--cache-read", "1.25", "--output", "10", "--effective-from", "2026-11-01", "--source", "openai.com/pricing",
        "--set-by", "finops@acme"));
    assertEquals(0, Cli.run("prices", "set", bootstrap, "--provider", "openai", "--model", "gpt-4o", "--input", "2.00",
        "--cache-read", "1.00", "--output", "8", "--effective-from", "2026-12-01", "--set-by", "finops@acme"));
    Map<String, PriceVersion> stored = CompactedTopics.readLatest(kafka.bootstrapServers(), topics.prices);
    PriceVersion november = stored.get("openai/gpt-4o@2026-11-01T00:00:00Z");
    assertEquals(2_500_000, november.getUncachedInputMicroUsdPerMtok());
    assertEquals(1_250_000, november.getCacheReadMicroUsdPerMtok());
    assertEquals(2_500_000, november.getCacheWriteMicroUsdPerMtok(), "cache write defaults to the input price");
    assertEquals(10_000_000, november.getReasoningMicroUsdPerMtok(), "reasoning defaults to the output price");
    assertEquals("finops@acme", november.getSetBy());

    assertTrue(Cli.output("prices", "list", bootstrap, "--at", "2026-11-15").contains(
        "openai/gpt-4o                            2026-11-01T00:00:00Z      2.50       1.25        2.50     10.00     10.00  -"));
    assertTrue(Cli.output("prices", "list", bootstrap, "--at", "2026-12-15").contains(
        "openai/gpt-4o                            2026-12-01T00:00:00Z      2.00       1.00        2.00      8.00      8.00  -"));
    String history = Cli.output("prices", "history", bootstrap, "--provider", "openai", "--model", "gpt-4o");
    assertTrue(history.indexOf("@2026-11-01") < history.indexOf("@2026-12-01"), history);
    assertTrue(history.contains("input 2.50, cache read 1.25, cache write 2.50, output 10.00, reasoning 10.00 USD per 1M "
        + "tokens (set by finops@acme; openai.com/pricing)"), history);

    // Unit mistakes: refused with the reason and the unit, unless forced.
    String perToken = Cli.refusal(2, "prices", "set", bootstrap, "--provider", "openai", "--model", "o3",
        "--input", "0.000002", "--output", "8", "--effective-from", "2026-12-01");
    assertTrue(perToken.contains("uncached_input is $0.000002 per 1M tokens: that looks like a price per token"), perToken);
    String swapped = Cli.refusal(2, "prices", "set", bootstrap, "--provider", "openai", "--model", "o3",
        "--input", "0.50", "--cache-read", "2", "--output", "8", "--effective-from", "2026-12-01");
    assertTrue(swapped.contains("cache_read ($2.00 per 1M) is above uncached input ($0.50 per 1M)"), swapped);
    String rounded = Cli.refusal(2, "prices", "set", bootstrap, "--provider", "openai", "--model", "o3",
        "--input", "2.0000005", "--output", "8", "--effective-from", "2026-12-01");
    assertTrue(rounded.contains("would have to be rounded"), rounded);
    assertEquals(0, Cli.run("prices", "set", bootstrap, "--provider", "openai", "--model", "o3", "--input",
        "0.000002", "--output", "8", "--effective-from", "2026-12-01", "--force"));
    assertEquals(0, Cli.run("prices", "delete", bootstrap, "openai/o3@2026-12-01T00:00:00Z"));
    assertEquals(1, Cli.run("prices", "delete", bootstrap, "openai/o3@2026-12-01T00:00:00Z"));

    // A LiteLLM file: a dry run shows the diff against the catalog in force and writes nothing.
    Path file = Files.createTempFile(Path.of("target"), "litellm", ".json");
    Files.writeString(file, """
        {"sample_spec": {"input_cost_per_token": 0.0, "litellm_provider": "one of ...", "mode": "one of ..."},
         "gpt-4o": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
                    "cache_read_input_token_cost": 1.25e-06, "litellm_provider": "openai", "mode": "chat"},
         "claude-sonnet-4-5": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
                    "cache_creation_input_token_cost": 3.75e-06, "cache_read_input_token_cost": 3e-07,
                    "input_cost_per_token_above_200k_tokens": 6e-06, "output_cost_per_token_above_200k_tokens": 2.25e-05,
                    "litellm_provider": "anthropic", "mode": "chat"},
         "text-embedding-3-small": {"input_cost_per_token": 2e-08, "output_cost_per_token": 0.0,
                    "litellm_provider": "openai", "mode": "embedding"}}""");
    String dryRun = Cli.output("prices", "import", bootstrap, file.toString(), "--effective-from", "2026-12-15",
        "--dry-run");
    assertTrue(dryRun.contains(": 1 new, 1 changed, 0 unchanged, 1 left out"), dryRun);
    assertTrue(dryRun.contains("  new      anthropic/claude-sonnet-4-5: input 3.00, cache read 0.30, cache write 3.75, "
        + "output 15.00, reasoning 15.00 USD per 1M tokens; above 200000 input tokens: input 6.00, output 22.50"), dryRun);
    assertTrue(dryRun.contains("  changed  openai/gpt-4o: input 2.00 -> 2.50 (+25.0%), cache read 1.00 -> 1.25 (+25.0%), "
        + "cache write 2.00 -> 2.50 (+25.0%), output 8.00 -> 10.00 (+25.0%), reasoning 8.00 -> 10.00 (+25.0%)"), dryRun);
    assertTrue(dryRun.contains("  skipped  1 not a chat model (e.g. text-embedding-3-small)"), dryRun);
    assertEquals(2, CompactedTopics.readLatest(kafka.bootstrapServers(), topics.prices).size(), "a dry run writes nothing");

    assertTrue(Cli.output("prices", "import", bootstrap, file.toString(), "--effective-from", "2026-12-15")
        .contains("Wrote 2 price versions."));
    String again = Cli.output("prices", "import", bootstrap, file.toString(), "--effective-from", "2026-12-15");
    assertTrue(again.contains(": 0 new, 0 changed, 2 unchanged") && again.contains("Wrote 0 price versions."), again);
    PriceVersion sonnet = CompactedTopics.readLatest(kafka.bootstrapServers(), topics.prices)
        .get("anthropic/claude-sonnet-4-5@2026-12-15T00:00:00Z");
    assertEquals(22_500_000, sonnet.getLongContextTier().getOutputMicroUsdPerMtok());

    // What is unbilled: the unpriced-usage topic, per reported model.
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicApplier.apply(admin, topics.all());
    }
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), topics.unpricedUsage.keySerde().serializer(), topics.unpricedUsage.valueSerde().serializer())) {
      for (int i = 0; i < 2; i++) {
        UsageEvent e = UsageEvent.newBuilder().setEventId("u-" + i).setEventTime(Instant.parse("2026-12-0" + (i + 1) + "T10:00:00Z"))
            .setTeam("research").setWorkflow("eval").setService("bench").setProvider("mistral_ai").setModel("mistral-large")
            .setUncachedInputTokens(1_000).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(200)
            .setReasoningTokens(0).setRequestCount(1).build();
        producer.send(new ProducerRecord<>(topics.unpricedUsage.name(), "mistral_ai/mistral-large", e)).get();
      }
    }
    String missing = Cli.output("prices", "missing", bootstrap);
    assertTrue(missing.contains("mistral_ai/mistral-large                              2          2,400  "
        + "2026-12-01T10:00:00Z     2026-12-02T10:00:00Z     NONE: set one with 'prices set'"), missing);
    assertFalse(missing.contains("gpt-4o"), missing);
  }
}
