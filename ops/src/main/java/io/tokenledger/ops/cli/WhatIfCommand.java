package io.tokenledger.ops.cli;

import io.tokenledger.schemas.ledger.LedgerBuckets;

import io.tokenledger.pricing.CatalogImport;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.WhatIf;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.money.MoneyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A past month's usage priced at a scenario, per team, workflow and model: the pricing's {@link WhatIf}. */
@Command(name = "whatif", mixinStandardHelpOptions = true,
    description = {"Prices a month's actual usage (the period ledger) at a scenario: per team, workflow and model,",
        "actual vs scenario cost and the difference, exact. Example:",
        "whatif --period 2026-11 --change 'openai/gpt-4o:-30%%' --move 'invoice-extraction:openai/gpt-4o->azure.ai.openai/gpt-4o-mini'"})
public final class WhatIfCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--period", required = true, description = "The calendar month, e.g. 2026-11.")
  YearMonth period;

  @Option(names = "--zone", defaultValue = "UTC", description = "The month's time zone (default: ${DEFAULT-VALUE}).")
  ZoneId zone;

  @Option(names = "--prices", description = "Scenario prices: a LiteLLM .json or our .csv (" + "USD per 1M tokens).")
  Path prices;

  @Option(names = "--change", description = "provider/model (or a model of any provider):percent, e.g. openai/gpt-4o:-30%% (repeatable).")
  List<String> changes = new ArrayList<>();

  @Option(names = "--move", description = {"workflow:from->to, models as provider/model or a model of any provider, e.g.",
      "invoice-extraction:openai/gpt-4o->azure.ai.openai/gpt-4o-mini; a 'to' without a provider keeps the usage's",
      "(repeatable)."})
  List<String> moves = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Instant from = period.atDay(1).atStartOfDay(zone).toInstant();
    Instant to = period.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
    WhatIf.Scenario scenario;
    try {
      scenario = new WhatIf.Scenario(scenarioPrices(from), changes.stream().map(WhatIf.Change::parse).toList(),
          moves.stream().map(WhatIf.Move::parse).toList());
    } catch (IllegalArgumentException e) {
      System.err.println("No what-if: " + e.getMessage());
      return 2;
    }
    Topics topics = kafka.appliedTopics();
    Map<String, UsageAggregate> buckets = LedgerReads.buckets(kafka.settings(), topics,
        b -> !b.getWindowStart().isBefore(from) && b.getWindowStart().isBefore(to));
    PriceBook catalog = LedgerReads.catalog(kafka.settings(), topics);
    List<WhatIf.Row> rows;
    try {
      rows = WhatIf.price(buckets.values(), scenario, catalog);
    } catch (IllegalArgumentException e) {
      System.err.println("No what-if: " + e.getMessage());
      return 2;
    }
    if (from.isBefore(Instant.now().minus(LedgerBuckets.RETENTION))) {
      System.out.println("Note: the period ledger keeps " + LedgerBuckets.RETENTION.toDays()
          + " days; usage before that is not in these figures.");
    }
    System.out.print(render("What if, " + period + " (" + zone.getId() + "): " + String.join(" ", changes)
        + (moves.isEmpty() ? "" : " move " + String.join(" ", moves)) + (prices == null ? "" : " prices " + prices.getFileName()),
        rows));
    return 0;
  }

  private List<PriceVersion> scenarioPrices(Instant from) throws Exception {
    if (prices == null) {
      return List.of();
    }
    CatalogImport.Options options = new CatalogImport.Options(from, p -> true, m -> true, "whatif", prices.toString());
    CatalogImport.Result result = prices.toString().endsWith(".csv")
        ? CatalogImport.csv(Files.readString(prices), options) : CatalogImport.liteLlm(Files.readAllBytes(prices), options);
    return result.prices();
  }

  /** Rows per team, workflow and model, a subtotal per team, and the company's total. */
  static String render(String title, List<WhatIf.Row> rows) {
    StringBuilder out = new StringBuilder(title).append(System.lineSeparator());
    String format = "%-14s %-24s %-34s %16s %16s %16s%n";
    out.append(String.format(format, "TEAM", "WORKFLOW", "MODEL", "ACTUAL", "SCENARIO", "DIFFERENCE"));
    Map<String, long[]> teams = new TreeMap<>();
    long[] company = new long[2];
    for (WhatIf.Row r : rows) {
      String model = r.model().equals(r.scenarioModel()) ? r.model().toString()
          : r.model() + " -> " + r.scenarioModel();
      out.append(String.format(format, r.team(), r.workflow(), model, MoneyFormat.usd(r.actualNanoUsd()),
          MoneyFormat.usd(r.scenarioNanoUsd()), MoneyFormat.usd(r.differenceNanoUsd())));
      long[] team = teams.computeIfAbsent(r.team(), t -> new long[2]);
      team[0] += r.actualNanoUsd();
      team[1] += r.scenarioNanoUsd();
      company[0] += r.actualNanoUsd();
      company[1] += r.scenarioNanoUsd();
    }
    teams.forEach((team, s) -> out.append(String.format(format, team, "(all)", "", MoneyFormat.usd(s[0]),
        MoneyFormat.usd(s[1]), MoneyFormat.usd(s[1] - s[0]))));
    out.append(String.format(format, "COMPANY", "", "", MoneyFormat.usd(company[0]),
        MoneyFormat.usd(company[1]), MoneyFormat.usd(company[1] - company[0])));
    return out.toString();
  }
}
