package io.tokenledger.reconciliation.bills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.BillLine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Each provider's export, in its documented shape (field names, nesting, pages, units), read back
 * exactly: tokens per billed type, amounts as exact decimals in dollars (Anthropic's cents divided
 * by 100), the currency as given.
 */
class ProviderExportsTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private static List<BillLine> read(String format, String... files) throws IOException {
    BillLines lines = new BillLines(files[0], NOW);
    for (String file : files) {
      ProviderExports.read(format, file, resource(file), lines);
    }
    return lines.build();
  }

  static String resource(String file) throws IOException {
    try (InputStream in = ProviderExportsTest.class.getResourceAsStream("/bills/" + file)) {
      return new String(Objects.requireNonNull(in, file).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static BillLine line(List<BillLine> lines, String day, String key, String model, String type, String tier) {
    List<BillLine> found = lines.stream().filter(l -> l.getDay().equals(day) && Objects.equals(l.getApiKey(), key)
        && Objects.equals(l.getModel(), model) && Objects.equals(l.getTokenType(), type)
        && Objects.equals(l.getServiceTier(), tier)).toList();
    assertEquals(1, found.size(), "one line " + day + " " + key + " " + model + " " + type + " " + tier + " in " + lines);
    return found.get(0);
  }

  @Test
  void openAiCompletionsUsageInBothMeaningsOfInputTokens() throws IOException {
    List<BillLine> lines = read("openai", "openai-usage-completions.json");
    // Since the per-modality fields: input_tokens holds cached tokens, input_uncached_tokens does not.
    BillLine uncached = line(lines, "2025-10-05", "key_OYRZfEkH5R9CNgtY", "gpt-4o-2024-08-06", "uncached_input", null);
    assertEquals(53_440L, uncached.getTokens());
    assertEquals(10L, uncached.getRequests());
    assertEquals("proj_4BhNtYH0z7dWbBtzhibxa65W", uncached.getAccount());
    assertEquals("openai", uncached.getProvider());
    assertEquals("openai-usage", uncached.getSource());
    assertEquals(5_760L, line(lines, "2025-10-05", "key_OYRZfEkH5R9CNgtY", "gpt-4o-2024-08-06", "cache_read", null)
        .getTokens());
    assertEquals(10_646L, line(lines, "2025-10-05", "key_OYRZfEkH5R9CNgtY", "gpt-4o-2024-08-06", "output", null)
        .getTokens());
    // batch: true is the batch tier.
    assertEquals(1_200_000L, line(lines, "2025-10-05", "key_BatchJobs9x", "gpt-4o-2024-08-06", "uncached_input",
        "batch").getTokens());
    assertEquals(300_000L, line(lines, "2025-10-05", "key_BatchJobs9x", "gpt-4o-2024-08-06", "output", "batch")
        .getTokens());
    // Before them: input_tokens is text with its cached tokens, audio apart; two hourly buckets make one day's line.
    String audio = "gpt-4o-audio-preview-2024-12-17";
    assertEquals((22_000 - 2_000) + (18_000 - 1_000), line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", audio,
        "uncached_input", null).getTokens());
    assertEquals(3_000L, line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", audio, "cache_read", null).getTokens());
    assertEquals(3_000L, line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", audio, "audio_input", null).getTokens());
    assertEquals(9_000L, line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", audio, "output", null).getTokens());
    assertEquals(2_000L, line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", audio, "audio_output", null).getTokens());
    assertEquals(12L, line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", audio, "output", null).getRequests());
    // Since cache writes are reported: input_tokens = uncached (text 17,000 + image 2,000 + audio 1,000)
    // + cached 20,000 + writes 6,000 and 4,000 (12 hours); input_audio_tokens is uncached audio.
    String gpt51 = "gpt-5.1-2026-03-01";
    assertEquals(19_000L, line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", gpt51, "uncached_input", "flex").getTokens());
    assertEquals(1_000L, line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", gpt51, "audio_input", "flex").getTokens());
    assertEquals(20_000L, line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", gpt51, "cache_read", "flex").getTokens());
    assertEquals(6_000L, line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", gpt51, "cache_write", "flex").getTokens());
    assertEquals(4_000L, line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", gpt51, "cache_write_1h", "flex").getTokens());
    assertEquals(5_800L, line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", gpt51, "output", "flex").getTokens());
    assertEquals(1_200L, line(lines, "2025-10-06", "key_OYRZfEkH5R9CNgtY", gpt51, "audio_output", "flex").getTokens());
    assertEquals(17, lines.size(), "no line for the embeddings result, which this reader does not take: " + lines);
  }

  @Test
  void openAiCostsExactAsWrittenWithTheLineItemsTypes() throws IOException {
    List<BillLine> lines = read("openai", "openai-costs.json");
    BillLine input = line(lines, "2025-10-05", null, "gpt-4o-2024-08-06", "uncached_input", null);
    assertEquals("0.13360000000000000", input.getAmount(), "the amount as written, never through a double");
    assertEquals("USD", input.getCurrency());
    assertEquals("gpt-4o-2024-08-06, input", input.getDescription());
    assertNull(input.getTokens());
    assertEquals("0.0072", line(lines, "2025-10-05", null, "gpt-4o-2024-08-06", "cache_read", null).getAmount());
    assertEquals("0.10646", line(lines, "2025-10-05", null, "gpt-4o-2024-08-06", "output", null).getAmount());
    assertEquals("1.5", line(lines, "2025-10-05", null, "gpt-4o-2024-08-06", "uncached_input", "batch").getAmount());
    BillLine search = line(lines, "2025-10-05", null, null, null, null);
    assertEquals("0.025", search.getAmount());
    assertEquals("Web search tool calls", search.getDescription());
    BillLine ungrouped = line(lines, "2025-10-05", null, null, "all", null);
    assertEquals("0.8958740000000000", ungrouped.getAmount());
    assertEquals("", ungrouped.getAccount());
  }

  @Test
  void anthropicUsageReportExclusiveBucketsWithCacheDurationsTiersAndBands() throws IOException {
    List<BillLine> lines = read("anthropic", "anthropic-usage-report.json");
    String key = "apikey_01Rj2N8SVvo6BePZj99NhmiT";
    String model = "claude-sonnet-4-20250514";
    assertEquals(1_500L, line(lines, "2025-08-01", key, model, "uncached_input", null).getTokens());
    assertEquals(1_000L, line(lines, "2025-08-01", key, model, "cache_read", null).getTokens());
    assertEquals(456L, line(lines, "2025-08-01", key, model, "cache_write", null).getTokens());
    assertEquals(1_000L, line(lines, "2025-08-01", key, model, "cache_write_1h", null).getTokens());
    assertEquals(500L, line(lines, "2025-08-01", key, model, "output", null).getTokens());
    assertEquals("wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ", line(lines, "2025-08-01", key, model, "output", null).getAccount());
    assertEquals("0-200k", line(lines, "2025-08-01", key, model, "output", null).getContextWindow());
    BillLine searches = line(lines, "2025-08-01", key, model, null, null);
    assertEquals(10L, searches.getRequests());
    assertNull(searches.getTokens());
    BillLine longContext = line(lines, "2025-08-01", key, model, "uncached_input", "batch");
    assertEquals(250_000L, longContext.getTokens());
    assertEquals("200k-1M", longContext.getContextWindow());
    assertEquals("", longContext.getAccount(), "the default workspace is null in the report");
    assertEquals(2_000L, line(lines, "2025-08-01", key, model, "output", "batch").getTokens());
    assertEquals(8, lines.size());
  }

  @Test
  void anthropicCostReportCentsAsDecimalStringsAreDividedByAHundredExactly() throws IOException {
    List<BillLine> lines = read("anthropic", "anthropic-cost-report.json");
    BillLine write = line(lines, "2025-10-15", null, "claude-sonnet-4-5-20250929", "cache_write", null);
    assertEquals("9.466", write.getAmount());
    assertEquals("946.6 smallest unit", write.getAmountAsGiven());
    assertEquals("USD", write.getCurrency());
    assertEquals("Claude Sonnet 4.5 Usage - Input Tokens, Cache Write", write.getDescription());
    assertEquals("0-200k", write.getContextWindow());
    assertEquals("wrkspc_01WtfAtqQsV3zBDs9RYpNZdR", write.getAccount());
    assertEquals("1.2378912", line(lines, "2025-10-15", null, "claude-sonnet-4-5-20250929", "uncached_input", null)
        .getAmount());
    assertEquals("0.002943", line(lines, "2025-10-15", null, "claude-haiku-4-5", "cache_write_1h", "batch").getAmount());
    BillLine search = line(lines, "2025-10-15", null, null, null, null);
    assertEquals("10.00", search.getAmount());
    assertEquals("web_search: Web Search", search.getDescription());
    assertEquals(4, lines.size());
  }

  @Test
  void focusFromAwsBedrockTokensByUsageTypeAndTheInvoice() throws IOException {
    BillLines lines = new BillLines("focus-aws-bedrock.csv", NOW);
    ProviderExports.read("focus", "focus-aws-bedrock.csv", resource("focus-aws-bedrock.csv"), lines);
    List<BillLine> built = lines.build();
    BillLine input = line(built, "2025-11-03", null, "Claude3.5Sonnet", "uncached_input", null);
    assertEquals("aws.bedrock", input.getProvider());
    assertEquals(15_000L, input.getTokens());
    assertEquals("0.0450000000", input.getAmount());
    assertEquals("USD", input.getCurrency());
    assertEquals("444455556666", input.getAccount());
    assertEquals("EUINUS25-123456", input.getInvoiceId());
    assertEquals("USE1-Claude3.5Sonnet-input-tokens", input.getDescription());
    assertEquals(10_000L, line(built, "2025-11-03", null, "Claude3.5Sonnet", "output", null).getTokens());
    assertEquals(2_000L, line(built, "2025-11-03", null, "Claude3.5Sonnet", "cache_read", null).getTokens());
    assertEquals("0.0037500000", line(built, "2025-11-03", null, "Claude3.5Sonnet", "cache_write", null).getAmount());
    assertEquals(4, built.size());
    assertEquals(2, lines.skipped().size(), "the EC2 row and the tax row, each said: " + lines.skipped());
    assertTrue(lines.skipped().get(0).contains("Amazon Elastic Compute Cloud"), lines.skipped().get(0));
    assertTrue(lines.skipped().get(1).contains("Tax"), lines.skipped().get(1));
  }

  @Test
  void aBucketLongerThanADayIsRefusedWithWhatToFetch() {
    String week = "{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":1759622400,"
        + "\"end_time\":1760227200,\"results\":[]}],\"has_more\":false,\"next_page\":null}";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProviderExports.read("openai", "week.json", week, new BillLines("week.json", NOW)));
    assertTrue(e.getMessage().contains("bucket_width=1d"), e.getMessage());
  }

  @Test
  void reimportingTheSameExportMakesTheSameKeys() throws IOException {
    List<String> first = read("anthropic", "anthropic-usage-report.json").stream().map(BillLine::getLineId).toList();
    List<String> again = read("anthropic", "anthropic-usage-report.json").stream().map(BillLine::getLineId).toList();
    assertEquals(first, again);
    assertEquals(first.size(), first.stream().distinct().count());
  }

  @Test
  void aGzippedExportReadsAsItsText() throws IOException {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("bills");
    java.nio.file.Path gz = dir.resolve("focus.csv.gz");
    try (var out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(gz))) {
      out.write(resource("focus-aws-bedrock.csv").getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(resource("focus-aws-bedrock.csv"), ExportFiles.read(gz));
    java.nio.file.Path plain = dir.resolve("usage.json");
    java.nio.file.Files.writeString(plain, resource("anthropic-usage-report.json"));
    assertEquals(resource("anthropic-usage-report.json"), ExportFiles.read(plain));
  }
}
