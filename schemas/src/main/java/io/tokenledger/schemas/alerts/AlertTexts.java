package io.tokenledger.schemas.alerts;

import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.AnomalyKind;
import io.tokenledger.schemas.AnomalyStatus;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetMeasure;
import io.tokenledger.schemas.ForecastAlert;
import io.tokenledger.schemas.ForecastState;
import io.tokenledger.schemas.ReconciliationAlert;
import io.tokenledger.schemas.ReconciliationState;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.topics.SeriesKey;
import io.tokenledger.schemas.money.MoneyFormat;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * What every alert says, in words and money a person reads: one text for Slack, the dashboard's
 * alert list and the demo alike (each adds its own layout). The alerts themselves keep exact
 * nano-USD; amounts here are rounded once, by {@link MoneyFormat}.
 */
public final class AlertTexts {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ENGLISH);
  private static final DateTimeFormatter DAY_OF_YEAR = DateTimeFormatter.ofPattern("MMM d, yyyy", Locale.ENGLISH);
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MMM d HH:mm z", Locale.ENGLISH);
  private static final long MINUTES_PER_HOUR = 60;

  private AlertTexts() {}

  /** "Budget at 80%: support-monthly", "Budget exceeded: support-monthly". */
  public static String title(BudgetAlert a) {
    return (a.getThresholdPercent() >= 100 ? "Budget exceeded: " : "Budget at " + a.getThresholdPercent() + "%: ")
        + a.getBudgetId();
  }

  /** "anthropic's bill for Nov 3 has $5.00 unexplained (27% of the bill)", or that it no longer has. */
  public static String title(ReconciliationAlert a) {
    String day = LocalDate.parse(a.getDay()).format(DAY);
    if (a.getState() != ReconciliationState.UNEXPLAINED_ABOVE_THRESHOLD) {
      return a.getProvider() + "'s bill for " + day + " is explained again";
    }
    return a.getProvider() + "'s bill for " + day + " has " + usd(a.getUnexplainedUsd()) + " unexplained ("
        + share(a.getUnexplainedShare()) + " of the bill)";
  }

  /**
   * "Commitment openai-msa-2026 on pace to leave $7,000.00 of $10,000.00 unused by Dec 1", or that
   * it no longer is.
   */
  public static String title(io.tokenledger.schemas.CommitmentAlert a) {
    String end = a.getPeriodEnd().atZone(java.time.ZoneOffset.UTC).toLocalDate().format(DAY);
    if (a.getState() != io.tokenledger.schemas.CommitmentAlertState.UNDER_USE_PROJECTED) {
      return "Commitment " + a.getCommitmentId() + " is on pace to use its " + MoneyFormat.usd(a.getAmountNanoUsd())
          + " again by " + end;
    }
    return "Commitment " + a.getCommitmentId() + " on pace to leave " + MoneyFormat.usd(a.getProjectedUnusedNanoUsd())
        + " of " + MoneyFormat.usd(a.getAmountNanoUsd()) + " unused by " + end;
  }

  /** "billed $18.86, ledger $17.35; explained: tier classification -$6.00, ...". */
  public static String detail(ReconciliationAlert a) {
    StringBuilder out = new StringBuilder("billed " + usd(a.getBilledUsd()) + ", ledger " + usd(a.getOursUsd()));
    if (!a.getExplained().isEmpty()) {
      out.append("; explained: ");
      java.util.List<String> parts = new java.util.ArrayList<>();
      new java.util.TreeMap<>(a.getExplained()).forEach((k, v) -> parts.add(k + " " + usd(v.toString())));
      out.append(String.join(", ", parts));
    }
    return out.toString();
  }

  /** An exact USD amount written as text, as people read it ({@link MoneyFormat#usd(BigDecimal)}). */
  public static String usd(CharSequence exactUsd) {
    return MoneyFormat.usd(new BigDecimal(exactUsd.toString()));
  }

  /** A share written as an exact decimal fraction, as a percentage (MoneyFormat.share): "0.0125" is "1.2%". */
  public static String share(CharSequence fraction) {
    return MoneyFormat.share(new BigDecimal(fraction.toString()));
  }

  /** "$1,128.00 of $1,410.00 spent (80%) in Dec 1 to Dec 31 (UTC); crossed Dec 19 14:20 UTC". */
  public static String detail(BudgetAlert a) {
    boolean usd = a.getMeasure() == BudgetMeasure.USD;
    long spend = usd ? a.getSpendNanoUsd() : a.getSpendTokens();
    long limit = usd ? a.getLimitNanoUsd() : a.getLimitTokens();
    return spentOf(spend, limit, a.getMeasure()) + " in " + period(a.getPeriodStart(), a.getPeriodEnd(), a.getTimezone())
        + "; crossed " + when(a.getCrossedAt(), a.getTimezone());
  }

  /** "Budget support-monthly projected to run out on Dec 19 (13 days early)", or that it no longer is. */
  public static String title(ForecastAlert a) {
    if (a.getState() != ForecastState.PROJECTED_TO_EXCEED) {
      return "Budget " + a.getBudgetId() + " no longer projected to run out";
    }
    return "Budget " + a.getBudgetId() + " projected to run out"
        + (a.getProjectedBreachAt() == null ? "" : " on " + runOut(a.getProjectedBreachAt(), a.getPeriodEnd(), a.getTimezone()));
  }

  /** "$620.00 of $1,410.00 spent (43%); burning $8.20/h over the last 7 days: $6,720 projected by Dec 31". */
  public static String detail(ForecastAlert a) {
    return spentOf(a.getSpend(), a.getLimit(), a.getMeasure()) + "; burning " + burnRate(a) + ": "
        + amount(a.getProjectedEndOfPeriod(), a.getMeasure()) + " projected by "
        + lastDay(a.getPeriodEnd(), a.getTimezone());
  }

  /** "$8.20/h over the last 7 days". */
  public static String burnRate(ForecastAlert a) {
    String rate = a.getMeasure() == BudgetMeasure.USD ? MoneyFormat.perHour(a.getBurnRatePerHour())
        : tokens(a.getBurnRatePerHour()) + " tokens/h";
    return rate + " over the last " + window(a.getTrailingWindowMinutes());
  }

  /** "Dec 19 (13 days early)": the day the limit is reached and how long before the period ends. */
  public static String runOut(Instant breachAt, Instant periodEnd, String zone) {
    ZoneId z = ZoneId.of(zone);
    LocalDate day = breachAt.atZone(z).toLocalDate();
    long early = ChronoUnit.DAYS.between(day, periodEnd.atZone(z).toLocalDate());
    return DAY.format(day) + " (" + (early == 1 ? "1 day" : early + " days") + " early)";
  }

  /** "Spend 5.3x normal in support / triage / openai/gpt-4o", "Resolved: ...", "New model for support: ...". */
  public static String title(AnomalyAlert a) {
    String model = model(a);
    if (a.getKind() == AnomalyKind.NEW_MODEL) {
      return "New model for " + a.getTeam() + ": " + model;
    }
    String ratio = times(a.getObserved(), a.getExpected());
    String what = switch (a.getKind()) {
      case BURN_RATE_SPIKE -> "Spend " + ratio + " normal";
      case REQUEST_RATE_SPIKE -> "Possible runaway agent: requests " + ratio + " normal";
      case TOKENS_PER_REQUEST_GROWTH -> "Prompt growth: tokens per request " + ratio + " normal";
      default -> "Anomaly " + a.getKind();
    };
    return (a.getStatus() == AnomalyStatus.RESOLVED ? "Resolved: " : "") + what + " in " + a.getTeam() + " / "
        + a.getWorkflow() + " / " + model;
  }

  /** "spend 5.3x normal: $43.85/h against $8.20/h (threshold $24.60/h, 60 min of history)". */
  public static String detail(AnomalyAlert a) {
    if (a.getKind() == AnomalyKind.NEW_MODEL) {
      return a.getObserved() + " requests in its first minute";
    }
    String measure = switch (a.getUnit()) {
      case "nano_usd_per_minute" -> "spend";
      case "requests_per_minute" -> "requests";
      case "tokens_per_request" -> "tokens per request";
      default -> a.getUnit();
    };
    boolean resolved = a.getStatus() == AnomalyStatus.RESOLVED;
    return measure + " " + times(a.getObserved(), a.getExpected()) + " normal" + (resolved ? " at its peak" : "") + ": "
        + rate(a.getObserved(), a.getUnit()) + " against " + rate(a.getExpected(), a.getUnit()) + " (threshold "
        + rate(a.getThreshold(), a.getUnit()) + ", " + window(a.getBaselineMinutes()) + " of history)";
  }

  /** The model an anomaly is about, with its provider and service tier when the scope names them. */
  public static String model(AnomalyAlert a) {
    return SeriesKey.tryParse(a.getScope()).map(k -> k.providerModel().toString())
        .orElseGet(() -> new ProviderModel(a.getProvider(), a.getModel()).toString());
  }

  /** An anomaly figure in its unit, spend per hour: "$43.85/h", "840 requests/min", "12,400 tokens/request". */
  public static String rate(long value, String unit) {
    return switch (unit) {
      case "nano_usd_per_minute" -> MoneyFormat.perHour(BigInteger.valueOf(value).multiply(BigInteger.valueOf(
          MINUTES_PER_HOUR)).min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact());
      case "requests_per_minute" -> tokens(value) + " requests/min";
      case "tokens_per_request" -> tokens(value) + " tokens/request";
      default -> value + " " + unit;
    };
  }

  /** "$1,128.00 of $1,410.00 spent (80%)", or in tokens. */
  public static String spentOf(long spend, long limit, BudgetMeasure measure) {
    return amount(spend, measure) + " of " + amount(limit, measure) + " spent (" + usedPercent(spend, limit) + ")";
  }

  /** Money as people read it, or tokens with separators. */
  public static String amount(long value, BudgetMeasure measure) {
    return measure == BudgetMeasure.USD ? MoneyFormat.usd(value) : tokens(value) + " tokens";
  }

  /** The share of a limit used, rounded down (80% means 80% reached): "80%". */
  public static String usedPercent(long part, long whole) {
    if (whole <= 0) {
      return "no limit";
    }
    return BigInteger.valueOf(part).multiply(BigInteger.valueOf(100)).divide(BigInteger.valueOf(whole)) + "%";
  }

  /** observed against expected as a multiple: "5.3x", "14x". */
  public static String times(long observed, long expected) {
    return MoneyFormat.times(BigDecimal.valueOf(observed).divide(BigDecimal.valueOf(Math.max(1, expected)), 4,
        RoundingMode.HALF_EVEN));
  }

  /** "Dec 1 to Dec 31 (UTC)": a period by its first and last day, end exclusive. */
  public static String period(Instant start, Instant end, String zone) {
    ZoneId z = ZoneId.of(zone);
    LocalDate first = start.atZone(z).toLocalDate();
    LocalDate last = end.atZone(z).toLocalDate().minusDays(1);
    return (first.getYear() == last.getYear() ? DAY : DAY_OF_YEAR).format(first) + " to " + DAY_OF_YEAR.format(last)
        + " (" + zone + ")";
  }

  /** "Dec 19 14:20 UTC". */
  public static String when(Instant at, String zone) {
    return WHEN.format(at.atZone(ZoneId.of(zone)));
  }

  private static String lastDay(Instant periodEnd, String zone) {
    return DAY.format(periodEnd.atZone(ZoneId.of(zone)).toLocalDate().minusDays(1));
  }

  /** "7 days", "24 hours", "60 min": a span of history, to the nearest day from two days on, hour from two hours. */
  public static String window(long minutes) {
    if (minutes >= 2 * 24 * 60) {
      return Math.round(minutes / (24 * 60.0)) + " days";
    }
    if (minutes >= 2 * 60) {
      return Math.round(minutes / 60.0) + " hours";
    }
    return minutes + " min";
  }

  private static String tokens(long count) {
    return String.format(Locale.ROOT, "%,d", count);
  }
}
