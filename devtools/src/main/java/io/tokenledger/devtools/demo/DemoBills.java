package io.tokenledger.devtools.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PricedVersion;
import io.tokenledger.schemas.BillIdentityKind;
import io.tokenledger.schemas.BillMapping;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.models.ModelNames;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.tokens.TokenKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The providers' bills for the demo's closed days, made from the calls its fleet recorded, in
 * the exports' own formats: OpenAI's usage (completions) and costs pages, Anthropic's usage and
 * cost reports. Each service calls with a key of its own in its team's project or workspace. Two
 * differences are planted, for the reconciliation to find: a nightly evaluation job on Claude
 * whose calls were never recorded (key apikey_nightly-evals, team growth; yesterday and every
 * fifth day before), and gpt-4o-mini's
 * output billed at $0.66 per 1M where the demo's catalog says $0.60. Gemini's bill is not made
 * (no export of it is read yet), so its days are not compared.
 */
final class DemoBills {
  static final String MISSING_KEY = "apikey_nightly-evals";
  static final String DRIFT_MODEL = "gpt-4o-mini";
  /** What the provider charges for gpt-4o-mini's output, micro-USD per 1M tokens (the catalog says 600,000). */
  static final long DRIFT_OUTPUT_PRICE = 660_000;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  private static final BigDecimal PICO = BigDecimal.ONE.movePointLeft(12);

  /** The four files, by name. */
  record Files(Map<String, String> byName) {}

  /** (provider, day, team, service, billed model, tier, type) to tokens and pico-USD. */
  private record Line(String provider, String day, String team, String service, String model, String type) {}

  private DemoBills() {}

  /** Who the bills' keys and projects are: each service's key, each team's project, the unrecorded job's key. */
  static List<BillMapping> mappings(Instant now) {
    Map<String, BillMapping> out = new LinkedHashMap<>();
    for (DemoCatalog.Workload w : DemoCatalog.WORKLOADS) {
      if (w.provider().equals("anthropic")) {
        out.putIfAbsent("a" + w.service(), mapping("anthropic", BillIdentityKind.API_KEY, "apikey_" + w.service(),
            w.team(), now));
      } else if (w.provider().equals("openai")) {
        out.putIfAbsent("o" + w.team(), mapping("openai", BillIdentityKind.PROJECT, "proj_" + w.team(), w.team(), now));
      }
    }
    out.put("missing", mapping("anthropic", BillIdentityKind.API_KEY, MISSING_KEY, "growth", now));
    return List.copyOf(out.values());
  }

  private static BillMapping mapping(String provider, BillIdentityKind kind, String id, String team, Instant now) {
    return BillMapping.newBuilder().setProvider(provider).setKind(kind).setIdentity(id).setTeam(team)
        .setEffectiveFrom(Instant.parse("2025-01-01T00:00:00Z")).setSetBy("demo").setUpdatedAt(now).build();
  }

  static Files of(List<UsageEvent> history, PriceBook catalog, LocalDate today) {
    Map<Line, long[]> lines = new TreeMap<>(java.util.Comparator.comparing(Line::toString));
    for (UsageEvent e : history) {
      String day = e.getEventTime().atOffset(ZoneOffset.UTC).toLocalDate().toString();
      if (!LocalDate.parse(day).isBefore(today) || !(e.getProvider().equals("openai")
          || e.getProvider().equals("anthropic"))) {
        continue;
      }
      PricedVersion price = catalog.pricedOf(ProviderModel.of(e.getProvider(), ModelNames.normalise(e.getModel())),
          e.getEventTime().toEpochMilli()).orElseThrow();
      for (TokenKind kind : TokenKind.ALL) {
        long tokens = kind.of(e);
        if (tokens == 0) {
          continue;
        }
        String type = kind == TokenKind.REASONING ? "output" : kind.wireName();
        long micro = price.base().micro(kind);
        if (e.getProvider().equals("openai") && ModelNames.normalise(e.getModel()).equals(DRIFT_MODEL)
            && type.equals("output")) {
          micro = DRIFT_OUTPUT_PRICE;
        }
        long[] sums = lines.computeIfAbsent(new Line(e.getProvider(), day, e.getTeam(), e.getService(), e.getModel(),
            type), l -> new long[2]);
        sums[0] += tokens;
        sums[1] += tokens * micro; // micro-USD per 1M tokens is pico-USD per token
      }
    }
    // The job nobody instrumented: yesterday and every fifth day before it, on Claude.
    LocalDate first = history.stream().map(e -> e.getEventTime().atOffset(ZoneOffset.UTC).toLocalDate())
        .min(LocalDate::compareTo).orElse(today);
    for (LocalDate d = today.minusDays(1); !d.isBefore(first); d = d.minusDays(5)) {
      lines.put(new Line("anthropic", d.toString(), "growth", "nightly-evals", "claude-sonnet-4-20250514",
          "uncached_input"), new long[] {400_000, 400_000 * 3_000_000L});
      lines.put(new Line("anthropic", d.toString(), "growth", "nightly-evals", "claude-sonnet-4-20250514", "output"),
          new long[] {60_000, 60_000 * 15_000_000L});
    }
    Map<String, String> files = new LinkedHashMap<>();
    files.put("openai-usage-completions.json", openAiUsage(lines));
    files.put("openai-costs.json", openAiCosts(lines));
    files.put("anthropic-usage-report.json", anthropicUsage(lines));
    files.put("anthropic-cost-report.json", anthropicCost(lines));
    return new Files(files);
  }

  private static String key(Line l) {
    return l.service().equals("nightly-evals") ? MISSING_KEY : "apikey_" + l.service();
  }

  private static Map<String, List<Map.Entry<Line, long[]>>> byDay(Map<Line, long[]> lines, String provider) {
    Map<String, List<Map.Entry<Line, long[]>>> out = new TreeMap<>();
    lines.entrySet().stream().filter(e -> e.getKey().provider().equals(provider))
        .forEach(e -> out.computeIfAbsent(e.getKey().day(), d -> new ArrayList<>()).add(e));
    return out;
  }

  /** A day's bucket as OpenAI's reports write it (Unix seconds), its results to fill. */
  private static ArrayNode openAiBucket(ArrayNode data, String day) {
    long start = LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    return data.addObject().put("object", "bucket").put("start_time", start).put("end_time", start + 86_400)
        .putArray("results");
  }

  /** A day's bucket as Anthropic's reports write it (RFC 3339), its results to fill. */
  private static ArrayNode anthropicBucket(ArrayNode data, String day) {
    return data.addObject().put("starting_at", day + "T00:00:00Z")
        .put("ending_at", LocalDate.parse(day).plusDays(1) + "T00:00:00Z").putArray("results");
  }

  private static String openAiUsage(Map<Line, long[]> lines) {
    ObjectNode page = JSON.createObjectNode().put("object", "page");
    ArrayNode data = page.putArray("data");
    byDay(lines, "openai").forEach((day, entries) -> {
      ArrayNode results = openAiBucket(data, day);
      Map<List<String>, Map<String, Long>> byCall = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
      entries.forEach(e -> byCall.computeIfAbsent(List.of(e.getKey().team(), e.getKey().service(), e.getKey().model()),
          k -> new TreeMap<>()).merge(e.getKey().type(), e.getValue()[0], Long::sum));
      byCall.forEach((k, types) -> {
        long uncached = types.getOrDefault("uncached_input", 0L);
        long cached = types.getOrDefault("cache_read", 0L);
        long output = types.getOrDefault("output", 0L);
        // The per-modality shape: input_tokens holds the cached tokens, input_uncached_tokens not.
        results.addObject().put("object", "organization.usage.completions.result")
            .put("input_tokens", uncached + cached).put("output_tokens", output).put("input_cached_tokens", cached)
            .put("input_uncached_tokens", uncached).put("input_text_tokens", uncached)
            .put("output_text_tokens", output).put("input_cached_text_tokens", cached).put("input_audio_tokens", 0)
            .put("input_cached_audio_tokens", 0).put("output_audio_tokens", 0).put("num_model_requests", 0)
            .put("project_id", "proj_" + k.get(0)).putNull("user_id").put("api_key_id", "key_" + k.get(1))
            .put("model", k.get(2)).put("batch", false).put("service_tier", "default");
      });
    });
    return write(page.put("has_more", false).putNull("next_page"));
  }

  private static String openAiCosts(Map<Line, long[]> lines) {
    ObjectNode page = JSON.createObjectNode().put("object", "page");
    ArrayNode data = page.putArray("data");
    byDay(lines, "openai").forEach((day, entries) -> {
      ArrayNode results = openAiBucket(data, day);
      Map<List<String>, BigDecimal> byItem = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
      entries.forEach(e -> byItem.merge(List.of(e.getKey().team(), e.getKey().model() + ", "
          + (e.getKey().type().equals("cache_read") ? "cached input" : e.getKey().type().equals("output") ? "output"
          : "input")), BigDecimal.valueOf(e.getValue()[1]).multiply(PICO), BigDecimal::add));
      byItem.forEach((k, usd) -> {
        ObjectNode r = results.addObject().put("object", "organization.costs.result");
        r.putObject("amount").put("value", usd.stripTrailingZeros()).put("currency", "usd");
        r.put("line_item", k.get(1)).put("project_id", "proj_" + k.get(0));
      });
    });
    return write(page.put("has_more", false).putNull("next_page"));
  }

  private static String anthropicUsage(Map<Line, long[]> lines) {
    ObjectNode page = JSON.createObjectNode();
    ArrayNode data = page.putArray("data");
    byDay(lines, "anthropic").forEach((day, entries) -> {
      ArrayNode results = anthropicBucket(data, day);
      Map<List<String>, Map<String, Long>> byKey = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
      entries.forEach(e -> byKey.computeIfAbsent(List.of(e.getKey().team(), key(e.getKey()), e.getKey().model()),
          k -> new TreeMap<>()).merge(e.getKey().type(), e.getValue()[0], Long::sum));
      byKey.forEach((k, types) -> {
        ObjectNode r = results.addObject().put("api_key_id", k.get(1));
        r.putObject("cache_creation").put("ephemeral_1h_input_tokens", types.getOrDefault("cache_write_1h", 0L))
            .put("ephemeral_5m_input_tokens", types.getOrDefault("cache_write", 0L));
        r.put("cache_read_input_tokens", types.getOrDefault("cache_read", 0L)).put("context_window", "0-200k")
            .put("model", k.get(2)).put("output_tokens", types.getOrDefault("output", 0L)).putNull("server_tool_use")
            .put("service_tier", "standard").put("uncached_input_tokens", types.getOrDefault("uncached_input", 0L))
            .put("workspace_id", "wrkspc_" + k.get(0));
      });
    });
    return write(page.put("has_more", false).putNull("next_page"));
  }

  private static String write(ObjectNode page) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(page);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final Map<String, String> ANTHROPIC_TYPES = Map.of("uncached_input", "uncached_input_tokens",
      "cache_read", "cache_read_input_tokens", "cache_write", "cache_creation.ephemeral_5m_input_tokens",
      "cache_write_1h", "cache_creation.ephemeral_1h_input_tokens", "output", "output_tokens");

  private static String anthropicCost(Map<Line, long[]> lines) {
    ObjectNode page = JSON.createObjectNode();
    ArrayNode data = page.putArray("data");
    byDay(lines, "anthropic").forEach((day, entries) -> {
      ArrayNode results = anthropicBucket(data, day);
      Map<List<String>, BigDecimal> byType = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
      entries.forEach(e -> byType.merge(List.of(e.getKey().team(), e.getKey().model(), e.getKey().type()),
          BigDecimal.valueOf(e.getValue()[1]).multiply(PICO), BigDecimal::add));
      byType.forEach((k, usd) -> results.addObject().put("currency", "USD")
          // The cost report's amounts are cents, as a decimal string.
          .put("amount", usd.movePointRight(2).stripTrailingZeros().toPlainString())
          .put("workspace_id", "wrkspc_" + k.get(0)).put("description", "Claude Sonnet 4 Usage")
          .put("cost_type", "tokens").put("model", k.get(1)).put("token_type", ANTHROPIC_TYPES.get(k.get(2)))
          .put("service_tier", "standard").put("context_window", "0-200k"));
    });
    return write(page.put("has_more", false).putNull("next_page"));
  }
}
