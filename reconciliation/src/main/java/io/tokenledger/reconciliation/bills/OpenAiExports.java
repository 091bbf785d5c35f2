package io.tokenledger.reconciliation.bills;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenledger.schemas.models.ServiceTiers;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * OpenAI's organization usage and cost reports, as {@code GET /v1/organization/usage/completions}
 * and {@code GET /v1/organization/costs} answer them: pages of buckets ({@code start_time},
 * {@code end_time} in Unix seconds) of results. A completions result
 * ({@code organization.usage.completions.result}) becomes a line per billed token type; a cost
 * result ({@code organization.costs.result}) a line with its amount, the token type read from
 * its line item ({@code "gpt-4o-2024-08-06, cached input"}).
 *
 * <p>The fields have had three meanings, each read into the same exclusive buckets (uncached
 * input, cache read, cache write, uncached audio input, output, audio output):
 * {@code input_tokens} as text input with its cached tokens, audio apart (before the
 * per-modality fields); every input token, with {@code input_uncached_tokens} and the
 * per-modality fields ({@code input_audio_tokens} then holding cached audio too); and, since
 * cache writes are reported ({@code input_cache_write_tokens}, 30 minutes, and
 * {@code input_cache_write_12h_tokens}), every input token with the cache writes,
 * {@code input_uncached_tokens} without them, {@code input_audio_tokens} uncached audio only.
 * 12-hour cache writes go to the longer duration's bucket ({@code cache_write_1h}). Reasoning is
 * billed as output and is part of {@code output_tokens}.
 */
public final class OpenAiExports {
  static final String PROVIDER = "openai";
  private static final long DAY_SECONDS = 86_400;

  private OpenAiExports() {}

  public static void read(String fileName, String text, BillLines into) {
    for (JsonNode page : ExportPages.pages(fileName, text)) {
      for (JsonNode bucket : page.path("data")) {
        long start = bucket.path("start_time").asLong(-1);
        long end = bucket.path("end_time").asLong(start + DAY_SECONDS);
        if (start < 0) {
          throw new IllegalArgumentException(fileName + ": a bucket has no start_time");
        }
        if (end - start > DAY_SECONDS || Math.floorDiv(start, DAY_SECONDS) != Math.floorDiv(end - 1, DAY_SECONDS)) {
          throw new IllegalArgumentException(fileName + ": the bucket from " + Instant.ofEpochSecond(start) + " to "
              + Instant.ofEpochSecond(end) + " is not within one UTC day: fetch with bucket_width=1d or 1h");
        }
        String day = Instant.ofEpochSecond(start).atOffset(ZoneOffset.UTC).toLocalDate().toString();
        for (JsonNode result : bucket.path("results")) {
          String object = String.valueOf(ExportPages.text(result, "object"));
          String where = fileName + " " + day;
          switch (object) {
            case "organization.usage.completions.result" -> usage(result, day, where, into);
            case "organization.costs.result" -> cost(result, day, where, into);
            default -> into.skip(where + ": a result of kind '" + object + "' is not completions usage or costs");
          }
        }
      }
    }
  }

  private static void usage(JsonNode r, String day, String where, BillLines into) {
    long input = ExportPages.countOrZero(r, "input_tokens", where);
    long cached = ExportPages.countOrZero(r, "input_cached_tokens", where);
    long audioIn = ExportPages.countOrZero(r, "input_audio_tokens", where);
    long output = ExportPages.countOrZero(r, "output_tokens", where);
    long audioOut = ExportPages.countOrZero(r, "output_audio_tokens", where);
    long write = ExportPages.countOrZero(r, "input_cache_write_tokens", where);
    long write12h = ExportPages.countOrZero(r, "input_cache_write_12h_tokens", where);
    long uncachedText;
    long uncachedAudio;
    long textOut;
    if (r.has("input_uncached_tokens")) {
      // input_tokens holds every input token; input_uncached_tokens every uncached one but cache writes.
      // Since cache writes are reported, input_audio_tokens is uncached audio; before, it held the cached too.
      boolean audioUncached = r.has("input_cache_write_tokens") || r.has("input_cache_write_12h_tokens");
      uncachedAudio = audioUncached ? audioIn : audioIn - ExportPages.countOrZero(r, "input_cached_audio_tokens", where);
      uncachedText = ExportPages.countOrZero(r, "input_uncached_tokens", where) - uncachedAudio;
      textOut = output - audioOut;
    } else {
      // Text input with its cached tokens; audio apart.
      uncachedAudio = audioIn;
      uncachedText = input - cached;
      textOut = output;
    }
    if (uncachedText < 0 || uncachedAudio < 0 || textOut < 0) {
      throw new IllegalArgumentException(where + ": the result's token fields do not add up (input " + input
          + ", cached " + cached + ", audio " + audioIn + ", output " + output + ", audio output " + audioOut + ")");
    }
    Long requests = ExportPages.count(r, "num_model_requests", where);
    String model = ExportPages.text(r, "model");
    String tier = r.path("batch").asBoolean(false) ? "batch"
        : ServiceTiers.normalise(ExportPages.text(r, "service_tier"));
    String project = ExportPages.text(r, "project_id");
    String key = ExportPages.text(r, "api_key_id");
    // 30-minute cache writes are the default duration's; 12-hour ones the longer duration's bucket.
    long[] byType = {uncachedText, cached, write, write12h, uncachedAudio, textOut, audioOut};
    String[] types = {"uncached_input", "cache_read", "cache_write", "cache_write_1h", "audio_input", "output",
        "audio_output"};
    for (int t = 0; t < types.length; t++) {
      if (byType[t] != 0) {
        into.add(new BillLines.Identity(PROVIDER, "openai-usage", day, project, key, model, types[t], tier, null),
            BillLines.Part.tokens(byType[t], requests, null));
      }
    }
  }

  private static void cost(JsonNode r, String day, String where, BillLines into) {
    JsonNode amount = r.path("amount");
    JsonNode value = amount.get("value");
    if (value == null || value.isNull()) {
      into.skip(where + ": a cost result without an amount");
      return;
    }
    BigDecimal usd = value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText());
    String currency = String.valueOf(ExportPages.text(amount, "currency")).toUpperCase(Locale.ROOT);
    String lineItem = ExportPages.text(r, "line_item");
    LineItem item = LineItem.parse(lineItem);
    into.add(new BillLines.Identity(PROVIDER, "openai-costs", day, ExportPages.text(r, "project_id"), null,
            item.model(), item.tokenType(), item.tier(), null),
        new BillLines.Part(null, null, usd, usd, null, currency, lineItem, null));
  }

  /**
   * A cost line item: {@code "<model>, <what>"} where what is input, cached input, output, audio
   * input or output (any case, "batch" marking the batch tier). A bare model is every type of it
   * ({@code all}); no line item (costs not grouped by line item) is every model's.
   */
  record LineItem(String model, String tokenType, String tier) {
    static LineItem parse(String text) {
      if (text == null || text.isBlank()) {
        return new LineItem(null, "all", null);
      }
      int comma = text.lastIndexOf(',');
      if (comma < 0) {
        // A model's name has no spaces ("gpt-4o"): its every type. Anything else ("Web search tool calls") is not tokens.
        return text.strip().contains(" ") ? new LineItem(null, null, null) : new LineItem(text.strip(), "all", null);
      }
      String model = text.substring(0, comma).strip();
      String what = text.substring(comma + 1).strip().toLowerCase(Locale.ROOT);
      String tier = what.contains("batch") ? "batch" : what.contains("priority") ? "priority"
          : what.contains("flex") ? "flex" : null;
      boolean audio = what.contains("audio");
      String type;
      if (what.contains("cached")) {
        type = "cache_read";
      } else if (what.contains("input")) {
        type = audio ? "audio_input" : "uncached_input";
      } else if (what.contains("output")) {
        type = audio ? "audio_output" : "output";
      } else {
        type = null; // a fee or a tool: not tokens
      }
      return new LineItem(model, type, tier);
    }
  }
}
