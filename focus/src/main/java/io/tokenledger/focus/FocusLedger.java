package io.tokenledger.focus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.serde.AvroJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * What a month's FOCUS file is made of: the (team, workflow, model) ledger buckets, the price
 * corrections applied to them and their models' catalog versions, as the aggregation's
 * {@code GET /v1/ledger?period=} answers them (each item's record in Avro JSON).
 */
public record FocusLedger(YearMonth month, List<UsageAggregate> buckets, List<PriceCorrection> corrections,
    PriceBook catalog) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the aggregation's answer; a kind this version does not know is an error, not a silent gap. */
  public static FocusLedger fromLedgerAnswer(YearMonth month, String answer) {
    JsonNode root;
    try {
      root = JSON.readTree(answer);
    } catch (IOException e) {
      throw new IllegalArgumentException("the ledger answer is not JSON: " + e.getMessage(), e);
    }
    List<UsageAggregate> buckets = new ArrayList<>();
    List<PriceCorrection> corrections = new ArrayList<>();
    PriceBook catalog = new PriceBook();
    for (JsonNode item : root.path("items")) {
      String record = item.path("record").toString();
      switch (item.path("kind").asText()) {
        case "bucket" -> buckets.add(AvroJson.decode(record, UsageAggregate.class));
        case "correction" -> corrections.add(AvroJson.decode(record, PriceCorrection.class));
        case "price" -> catalog.put(AvroJson.decode(record, PriceVersion.class));
        default -> throw new IllegalArgumentException("the ledger answer has an item of kind '"
            + item.path("kind").asText() + "', which this export does not know: upgrade it to the aggregation's version");
      }
    }
    return new FocusLedger(month, buckets, corrections, catalog);
  }

  /** The month's FOCUS rows, billed to {@code billingAccount}. */
  public List<FocusExport.Row> rows(String billingAccount) {
    Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return FocusExport.rows(buckets, corrections, catalog, from, to, billingAccount);
  }

  /** A rendered export: its bytes, media type and file name. */
  public record File(byte[] body, String contentType, String name) {}

  /** The rows as a file: {@code csv} or {@code parquet}. */
  public static File file(List<FocusExport.Row> rows, YearMonth month, String format) throws IOException {
    String name = "focus-" + month + "." + format;
    return switch (format) {
      case "csv" -> new File(FocusExport.csv(rows).getBytes(StandardCharsets.UTF_8), "text/csv; charset=utf-8", name);
      case "parquet" -> new File(FocusExport.parquet(rows), "application/vnd.apache.parquet", name);
      default -> throw new IllegalArgumentException("format must be csv or parquet, not '" + format + "'");
    };
  }
}
