package io.tokenledger.pricing.plan;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.SpendForecast;
import io.tokenledger.schemas.TokenPlan;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.tokens.TokenKind;
import io.tokenledger.schemas.topics.SeriesKey;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A quarter's plan next to what was spent and what will be: per plan line (a team, or one
 * workflow of it), the plan in force on the as-of day, the actuals from the period ledger for the
 * quarter's days before it, and the forecast: the actuals plus {@link SpendForecast#range} for
 * the rest of the quarter (the line's usage trend times the price schedule).
 */
public final class PlanOutlook {
  /**
   * The trend is fitted on at most this many days before the as-of day: the period ledger's
   * retention, so that every reader (the CLI from the ledger topic, the economics from its longer
   * copy) fits the same days.
   */
  public static final long FIT_DAYS = io.tokenledger.schemas.ledger.LedgerBuckets.RETENTION.toDays();

  private PlanOutlook() {}

  /**
   * One plan line. Money in nano-USD, exact; {@code forecast*} include the actuals.
   *
   * @param workflow null for the team's plan as a whole
   * @param planNanoUsd null when the plan is in tokens only
   * @param forecastUnpriced some of the line's usage has no price: its money forecast is short
   */
  public record Line(String team, String workflow, Quarter quarter, LocalDate asOf, Long planNanoUsd, Long planTokens,
      long actualNanoUsd, long actualTokens, long forecastNanoUsd, long forecastLowNanoUsd, long forecastHighNanoUsd,
      long forecastTokens, boolean forecastUnpriced) {
    /** The forecast against the plan, a whole percent rounded half-even once: +11 is 11% over. Null without a USD plan. */
    public Integer deviationPercent() {
      if (planNanoUsd == null || planNanoUsd == 0) {
        return null;
      }
      return BigDecimal.valueOf(forecastNanoUsd - planNanoUsd).multiply(BigDecimal.valueOf(100))
          .divide(BigDecimal.valueOf(planNanoUsd), 0, RoundingMode.HALF_EVEN).intValueExact();
    }

    /** "support / ticket-triage", or "support" for the team's plan. */
    public String name() {
      return workflow == null ? team : team + " / " + workflow;
    }
  }

  /**
   * @param plans every version of every plan (the compacted topic's values)
   * @param ledgerBuckets the latest record of each (team, workflow, model) ledger bucket
   * @param asOf the day the actuals stop and the forecast starts (UTC)
   */
  public static List<Line> of(Quarter quarter, LocalDate asOf, Iterable<TokenPlan> plans,
      Iterable<UsageAggregate> ledgerBuckets, PriceBook catalog, List<SpendForecast.Assumption> assumptions) {
    LocalDate from = asOf.isBefore(quarter.start()) ? quarter.start() : asOf;
    Instant asOfStart = asOf.atStartOfDay(ZoneOffset.UTC).toInstant();
    LocalDate fitFrom = asOf.minusDays(FIT_DAYS);
    Map<String, TokenPlan> inForce = new TreeMap<>();
    for (TokenPlan plan : plans) {
      if (plan != null && quarter.toString().equals(plan.getQuarter())
          && !plan.getEffectiveFrom().isAfter(asOfStart)) {
        String line = lineKey(plan.getTeam(), plan.getWorkflow());
        TokenPlan known = inForce.get(line);
        if (known == null || plan.getEffectiveFrom().isAfter(known.getEffectiveFrom())) {
          inForce.put(line, plan);
        }
      }
    }
    // Each line's daily usage by model: the history its forecast is fitted on, and its actuals.
    Map<String, long[]> actuals = new TreeMap<>();
    List<SpendForecast.DailyUsage> history = new ArrayList<>();
    for (UsageAggregate bucket : ledgerBuckets) {
      SeriesKey series = SeriesKey.parse(bucket.getScope());
      LocalDate day = bucket.getWindowStart().atOffset(ZoneOffset.UTC).toLocalDate();
      for (String line : List.of(lineKey(series.team(), series.workflow()), lineKey(series.team(), null))) {
        if (!inForce.containsKey(line)) {
          continue;
        }
        long[] tokens = new long[TokenKind.ALL.length];
        for (TokenKind kind : TokenKind.ALL) {
          tokens[kind.ordinal()] = kind.of(bucket);
        }
        if (!day.isBefore(fitFrom)) {
          history.add(new SpendForecast.DailyUsage(line, series.providerModel().toString(), day, tokens));
        }
        if (!day.isBefore(quarter.start()) && day.isBefore(from)) {
          long[] sum = actuals.computeIfAbsent(line, k -> new long[2]);
          sum[0] = Math.addExact(sum[0], bucket.getCostNanoUsd());
          sum[1] = Math.addExact(sum[1], total(tokens));
        }
      }
    }
    Map<String, SpendForecast.Range> rest = new TreeMap<>();
    if (from.isBefore(quarter.end())) {
      // Fitted on the days before the as-of day, even when the quarter starts later.
      SpendForecast.range(history, asOf, from, quarter.end(), catalog, assumptions).forEach(r -> rest.put(r.team(), r));
    }
    List<Line> lines = new ArrayList<>();
    inForce.forEach((key, plan) -> {
      long[] actual = actuals.getOrDefault(key, new long[2]);
      SpendForecast.Range r = rest.get(key);
      lines.add(new Line(plan.getTeam(), plan.getWorkflow(), quarter, from, plan.getAmountNanoUsd(), plan.getTokens(),
          actual[0], actual[1], actual[0] + (r == null ? 0 : r.expectedNanoUsd()),
          actual[0] + (r == null ? 0 : r.lowNanoUsd()), actual[0] + (r == null ? 0 : r.highNanoUsd()),
          actual[1] + (r == null ? 0 : r.expectedTokens()), r != null && r.unpricedUsage()));
    });
    lines.sort(Comparator.comparing(Line::team).thenComparing(l -> l.workflow() == null ? "" : l.workflow()));
    return lines;
  }

  private static String lineKey(String team, String workflow) {
    return team + '\0' + (workflow == null ? "" : workflow);
  }

  private static long total(long[] tokens) {
    long sum = 0;
    for (long t : tokens) {
      sum = Math.addExact(sum, t);
    }
    return sum;
  }
}
