package io.tokenledger.ops.demo;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The demo's price list, budgets and fleet: realistic shapes, tiny budgets so alerts come fast. */
final class DemoCatalog {
  private DemoCatalog() {}

  /** A simulated AI service: who calls which model, how often, with what token mix. */
  record Workload(String team, String workflow, String service, String provider, String model,
      double share, long uncachedInput, long cacheRead, long cacheWrite, long output, long reasoning,
      String outcomeUnit, double outcomeEvery) {}

  static final List<Workload> WORKLOADS = List.of(
      new Workload("support", "ticket-triage", "support-bot", "anthropic", "claude-sonnet-4-20250514",
          0.30, 1_500, 6_000, 400, 350, 0, "ticket", 3),
      new Workload("support", "reply-drafting", "support-bot", "openai", "gpt-4o-mini-2024-07-18",
          0.15, 900, 1_200, 0, 420, 0, "reply", 1),
      new Workload("finance-ops", "invoice-extraction", "billing-agent", "openai", "gpt-4o-2024-08-06",
          0.20, 3_000, 1_000, 0, 600, 0, "invoice", 2),
      new Workload("growth", "content-generation", "content-studio", "gcp.gemini", "gemini-2.5-flash",
          0.20, 1_200, 0, 0, 900, 300, "article", 4),
      new Workload("platform", "code-review", "review-agent", "openai", "o4-mini",
          0.15, 2_000, 2_500, 0, 500, 2_000, "pull-request", 5));

  static List<PriceVersion> prices(Instant demoStart) {
    Instant listed = Instant.parse("2025-01-01T00:00:00Z");
    return List.of(
        price("anthropic", "claude-sonnet-4", listed, 3_000_000, 300_000, 3_750_000, 15_000_000, 15_000_000),
        price("openai", "gpt-4o-mini", listed, 150_000, 75_000, 150_000, 600_000, 600_000),
        price("openai", "gpt-4o", listed, 2_500_000, 1_250_000, 2_500_000, 10_000_000, 10_000_000),
        // A price cut that takes effect during the demo: events before it keep the old price.
        price("openai", "gpt-4o", demoStart.plus(Duration.ofSeconds(30)), 2_000_000, 1_000_000, 2_000_000,
            8_000_000, 8_000_000),
        price("gcp.gemini", "gemini-2.5-flash", listed, 300_000, 75_000, 300_000, 2_500_000, 2_500_000),
        price("openai", "o4-mini", listed, 1_100_000, 275_000, 1_100_000, 4_400_000, 4_400_000));
  }

  static List<Budget> budgets(Instant now) {
    return List.of(
        budget("support-monthly", "support", "8.00", now),
        budget("finance-ops-monthly", "finance-ops", "12.00", now),
        budget("growth-monthly", "growth", "200.00", now),
        budget("platform-monthly", "platform", "4.00", now));
  }

  private static PriceVersion price(String provider, String model, Instant from, long input, long cacheRead,
      long cacheWrite, long output, long reasoning) {
    return PriceVersion.newBuilder().setProvider(provider).setModel(model).setEffectiveFrom(from)
        .setUncachedInputMicroUsdPerMtok(input).setCacheReadMicroUsdPerMtok(cacheRead)
        .setCacheWriteMicroUsdPerMtok(cacheWrite).setOutputMicroUsdPerMtok(output)
        .setReasoningMicroUsdPerMtok(reasoning).setSource("demo list price").build();
  }

  private static Budget budget(String id, String team, String usd, Instant now) {
    return Budget.newBuilder().setBudgetId(id).setTeam(team).setLimitNanoUsd(NanoUsd.fromUsd(usd))
        .setPeriod(BudgetPeriod.MONTH).setTimezone("UTC").setUpdatedAt(now).build();
  }
}
