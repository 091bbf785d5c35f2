package io.tokenledger.dashboard;

import io.javalin.http.Context;
import io.tokenledger.focus.FocusExport;
import io.tokenledger.focus.FocusLedger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/export/focus?period=2026-11&format=csv|parquet&billing_account=acme}: a month
 * as a FOCUS 1.2 file, rendered here from the aggregation's {@code /v1/ledger} answer to the
 * reader's own key (a team key gets its team's rows, its chargeback; a read-all key every
 * team's). The Streams services only answer records; the rendering, and Parquet's Hadoop client,
 * stay out of them.
 */
final class FocusDownload {
  private static final Logger log = LoggerFactory.getLogger(FocusDownload.class);
  private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9 ._-]{1,64}");

  private final URI aggregation;
  private final HttpClient http;

  FocusDownload(URI aggregation, HttpClient http) {
    this.aggregation = aggregation;
    this.http = http;
  }

  void handle(Context ctx) throws InterruptedException {
    ctx.header("Cache-Control", "no-store");
    ctx.header("X-Content-Type-Options", "nosniff");
    YearMonth month;
    try {
      month = YearMonth.parse(String.valueOf(ctx.queryParam("period")));
    } catch (DateTimeParseException e) {
      ctx.status(400).json(Map.of("error", "period must be a month such as 2026-11"));
      return;
    }
    String format = ctx.queryParamAsClass("format", String.class).getOrDefault("csv");
    String account = ctx.queryParamAsClass("billing_account", String.class).getOrDefault("tokenledger");
    if (!format.equals("csv") && !format.equals("parquet")) {
      ctx.status(400).json(Map.of("error", "format must be csv or parquet"));
      return;
    }
    if (!ACCOUNT.matcher(account).matches()) {
      ctx.status(400).json(Map.of("error", "billing_account must be 1 to 64 letters, digits, spaces, '.', '_' or '-'"));
      return;
    }
    URI ledger = aggregation.resolve("/v1/ledger?period=" + URLEncoder.encode(month.toString(), StandardCharsets.UTF_8));
    HttpRequest.Builder request = HttpRequest.newBuilder(ledger).timeout(Duration.ofSeconds(60)).GET();
    String authorization = ctx.header("Authorization");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        // The aggregation's refusal (401, 403, 503) is the reader's answer, as it would be to curl.
        ctx.status(answer.statusCode()).contentType("application/json").result(answer.body());
        answer.headers().firstValue("WWW-Authenticate").ifPresent(v -> ctx.header("WWW-Authenticate", v));
        return;
      }
      List<FocusExport.Row> rows = FocusLedger.fromLedgerAnswer(month, answer.body()).rows(account);
      FocusLedger.File file = FocusLedger.file(rows, month, format);
      ctx.header("Content-Disposition", "attachment; filename=\"" + file.name() + "\"");
      ctx.status(200).contentType(file.contentType()).result(file.body());
    } catch (java.io.IOException e) {
      log.warn("The aggregation at {} did not answer the ledger of {} for a FOCUS export: {}", aggregation, month,
          e.toString());
      ctx.status(502).json(Map.of("error", "the aggregation at " + aggregation + " did not answer (" + e.getMessage()
          + "); is it running?"));
    } catch (IllegalArgumentException e) {
      log.error("The aggregation's ledger answer for {} cannot be rendered as FOCUS: {}", month, e.getMessage());
      ctx.status(502).json(Map.of("error", "the aggregation's ledger answer cannot be rendered: " + e.getMessage()));
    }
  }
}
