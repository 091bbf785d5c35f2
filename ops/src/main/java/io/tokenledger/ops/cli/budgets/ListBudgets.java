package io.tokenledger.ops.cli.budgets;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.capacity.FxCommand;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.currency.FxBook;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.topics.Topics;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the budgets as alerting sees them.")
final class ListBudgets implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--currency", description = {"Also in this reporting currency (EUR, INR, ...): the limit, the spend",
      "so far and the projection, all at one day's rate (--date), which each line states."})
  String currency;

  @Option(names = "--date", description = "The day whose rate converts (default: today, UTC; the latest earlier day with a rate).")
  LocalDate date;

  @Override
  public Integer call() throws Exception {
    Topics topics = kafka.appliedTopics();
    Map<String, Budget> budgets = CompactedTopics.readLatest(kafka.settings(), topics.budgets);
    if (budgets.isEmpty()) {
      System.out.println("No budgets. Set one with 'tokenledger budgets set --id ... --team ... --limit-usd ...'.");
    }
    Map<String, BudgetStatus> status = currency == null ? Map.of()
        : CompactedTopics.readLatest(kafka.settings(), topics.budgetStatus);
    FxBook fx = currency == null ? null : FxCommand.book(kafka.settings(), topics);
    LocalDate day = date != null ? date : LocalDate.now(ZoneOffset.UTC);
    for (Budget b : budgets.values()) {
      System.out.println(BudgetsCommand.describe(b));
      if (currency != null) {
        System.out.println("  " + inCurrency(b, status.get(b.getBudgetId()), fx, currency, day));
      }
    }
    return 0;
  }

  /** A budget's money in a reporting currency, at one rate, stated. */
  static String inCurrency(Budget b, BudgetStatus s, FxBook fx, String currency, LocalDate day) {
    var rate = fx.rateOn(currency, day);
    if (rate.isEmpty()) {
      return "in " + currency + ": no rate on or before " + day + " ('tokenledger fx import' or 'fx set')";
    }
    StringBuilder out = new StringBuilder("in " + currency + ":");
    if (b.getLimitNanoUsd() != null) {
      out.append(" limit ").append(shown(rate.get().apply(b.getLimitNanoUsd())));
    }
    if (s != null) {
      out.append(", spent ").append(shown(rate.get().apply(s.getSpendNanoUsd()))).append(", projected ")
          .append(shown(rate.get().apply(s.getProjectedSpendNanoUsd())));
    }
    return out.append(", at ").append(rate.get().statement()).toString();
  }

  private static String shown(FxBook.Converted c) {
    return MoneyFormat.amount(c.amount(), c.currency()) + " (exact " + c.amount().toPlainString() + ")";
  }
}
