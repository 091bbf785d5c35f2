package io.tokenledger.ops.cli;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.SpendForecast;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.money.MoneyFormat;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The next months' spend per team and company, and where monthly budgets run out: the pricing's {@link SpendForecast}. */
@Command(name = "forecast", mixinStandardHelpOptions = true,
    description = {"Forecasts spend per team and for the company, month by month: the usage trend from the period",
        "ledger times the price schedule (known future price versions, plus --assume quarterly changes), with a",
        "low/expected/high band, and the month each team's monthly budget runs out."})
public final class ForecastCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--months", defaultValue = "12", description = "How many months ahead (default: ${DEFAULT-VALUE}).")
  int months;

  @Option(names = "--assume", description = "A quarterly price change of a model or provider, e.g. openai:-10%% (repeatable).")
  List<String> assumptions = new ArrayList<>();

  @Option(names = "--as-of", description = "The forecast's day (default: today, UTC): history before it, months after its month.")
  LocalDate asOf;

  @Override
  public Integer call() throws Exception {
    Topics topics = kafka.appliedTopics();
    List<SpendForecast.Assumption> assumed;
    try {
      assumed = assumptions.stream().map(SpendForecast.Assumption::parse).toList();
    } catch (IllegalArgumentException e) {
      System.err.println("No forecast: " + e.getMessage());
      return 2;
    }
    Map<String, UsageAggregate> buckets = LedgerReads.buckets(kafka.settings(), topics, b -> true);
    PriceBook catalog = LedgerReads.catalog(kafka.settings(), topics);
    LocalDate day = asOf != null ? asOf : LocalDate.now(ZoneOffset.UTC);
    List<SpendForecast.Month> forecast = SpendForecast.forecast(SpendForecast.daily(buckets.values()), day, months,
        catalog, assumed);
    if (forecast.isEmpty()) {
      System.out.println("No usage in the period ledger before " + day + ": nothing to forecast from.");
      return 0;
    }
    List<Budget> budgets = CompactedTopics.readLatest(kafka.settings(), topics.budgets).values().stream()
        .filter(b -> b.getPeriod() == BudgetPeriod.MONTH && b.getWorkflow() == null && b.getModel() == null).toList();
    System.out.print(render(forecast, budgets, assumptions));
    return 0;
  }

  /** Per team: each month's band; then the company; then where monthly budgets run out. */
  static String render(List<SpendForecast.Month> forecast, List<Budget> budgets, List<String> assumptions) {
    StringBuilder out = new StringBuilder();
    out.append("Spend forecast").append(assumptions.isEmpty() ? "" : " assuming " + String.join(", ", assumptions)
        + " per quarter").append(" (usage trend x price schedule; band: low .. high)").append(System.lineSeparator());
    String format = "%-14s %-8s %16s %16s %16s %18s%s%n";
    out.append(String.format(format, "TEAM", "MONTH", "LOW", "EXPECTED", "HIGH", "TOKENS", ""));
    for (SpendForecast.Month m : forecast) {
      out.append(String.format(format, m.team(), m.month(), MoneyFormat.usd(m.lowNanoUsd()), MoneyFormat.usd(m.expectedNanoUsd()),
          MoneyFormat.usd(m.highNanoUsd()), String.format("%,d", m.expectedTokens()),
          m.unpricedUsage() ? "  (some usage has no price: not in the money)" : ""));
    }
    company(forecast).forEach((month, c) -> out.append(String.format(format, "COMPANY", month, MoneyFormat.usd(c[0]),
        MoneyFormat.usd(c[1]), MoneyFormat.usd(c[2]), String.format("%,d", c[3]), "")));
    for (Budget b : budgets) {
      out.append(runsOut(b, forecast)).append(System.lineSeparator());
    }
    return out.toString();
  }

  /** The company's months (the teams summed) and where monthly budgets run out: the short form. */
  public static String renderCompany(List<SpendForecast.Month> forecast, List<Budget> budgets) {
    StringBuilder out = new StringBuilder("Spend forecast for the company, the next " + forecast.stream()
        .map(SpendForecast.Month::month).distinct().count() + " months (usage trend x price schedule; band: low .. "
        + "high)").append(System.lineSeparator());
    String format = "%-8s %16s %16s %16s %18s%n";
    out.append(String.format(format, "MONTH", "LOW", "EXPECTED", "HIGH", "TOKENS"));
    company(forecast).forEach((month, c) -> out.append(String.format(format, month, MoneyFormat.usd(c[0]), MoneyFormat.usd(c[1]),
        MoneyFormat.usd(c[2]), String.format("%,d", c[3]))));
    for (Budget b : budgets) {
      out.append(runsOut(b, forecast)).append(System.lineSeparator());
    }
    return out.toString();
  }

  /** The teams summed per month: low, expected and high nano-USD, expected tokens. */
  private static Map<YearMonth, long[]> company(List<SpendForecast.Month> forecast) {
    Map<YearMonth, long[]> company = new TreeMap<>();
    for (SpendForecast.Month m : forecast) {
      long[] c = company.computeIfAbsent(m.month(), k -> new long[4]);
      c[0] += m.lowNanoUsd();
      c[1] += m.expectedNanoUsd();
      c[2] += m.highNanoUsd();
      c[3] += m.expectedTokens();
    }
    return company;
  }

  /** The first month whose expected (and high) spend or tokens exceed a team's monthly limit. */
  static String runsOut(Budget b, List<SpendForecast.Month> forecast) {
    YearMonth expected = null;
    YearMonth possible = null;
    for (SpendForecast.Month m : forecast) {
      if (!m.team().equals(b.getTeam())) {
        continue;
      }
      boolean overExpected = (b.getLimitNanoUsd() != null && m.expectedNanoUsd() > b.getLimitNanoUsd())
          || (b.getLimitTokens() != null && m.expectedTokens() > b.getLimitTokens());
      boolean overHigh = b.getLimitNanoUsd() != null && m.highNanoUsd() > b.getLimitNanoUsd();
      if (overExpected && expected == null) {
        expected = m.month();
      }
      if ((overHigh || overExpected) && possible == null) {
        possible = m.month();
      }
    }
    String limit = b.getLimitNanoUsd() != null ? MoneyFormat.usd(b.getLimitNanoUsd()) + " a month"
        : String.format("%,d tokens a month", b.getLimitTokens());
    if (expected != null) {
      return "Budget " + b.getBudgetId() + " (" + limit + "): expected to run out in " + expected
          + (possible != null && possible.isBefore(expected) ? ", possibly from " + possible : "");
    }
    return "Budget " + b.getBudgetId() + " (" + limit + "): " + (possible != null
        ? "enough at the expected trend; the high end of the band exceeds it from " + possible
        : "enough for every forecast month");
  }
}
