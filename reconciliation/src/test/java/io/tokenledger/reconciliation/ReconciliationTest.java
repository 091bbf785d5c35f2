package io.tokenledger.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.reconciliation.bills.BillLines;
import io.tokenledger.reconciliation.bills.ProviderExports;
import io.tokenledger.reconciliation.mapping.BillMap;
import io.tokenledger.schemas.BillIdentityKind;
import io.tokenledger.schemas.BillLine;
import io.tokenledger.schemas.BillMapping;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.ServiceTierPrice;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.SeriesKey;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * One day of Claude usage against Anthropic's usage and cost reports, with a difference of each
 * kind planted, every figure worked out by hand (prices per 1M: input $3, cache read $0.30,
 * 5-minute write $3.75, 1-hour write $6, output $15; batch half):
 * <ul>
 *   <li>support's cache writes: we recorded 200,000 as 5-minute, the bill has 150,000 of them and 50,000
 *       1-hour writes: 50,000 x ($6 - $3.75)/1M = $0.1125 cache classification;
 *   <li>research's batch job recorded in the standard tier: 2,000,000 input and 400,000 output billed at
 *       batch prices: 2M x ($1.50 - $3)/1M + 400k x ($7.50 - $15)/1M = -$6.00 tier classification;
 *   <li>a service (key apikey_shadow, team data) that never recorded: 500,000 input at $3 and 50,000
 *       output at the bill's $16: $1.50 + $0.80 missing on our side;
 *   <li>the bill's output price is $16, the catalog's $15: support's 100,000 output tokens, $0.10 price drift;
 *   <li>333,333 cache reads cost $0.0999999, the bill says 10.00 cents: $0.0000001 rounding.
 * </ul>
 */
public class ReconciliationTest {
  private static final Instant DAY = Instant.parse("2026-11-03T00:00:00Z");
  private static final String MODEL = "claude-sonnet-4-5";

  public static PriceBook catalog() {
    PriceBook book = new PriceBook();
    book.put(PriceVersion.newBuilder().setProvider("anthropic").setModel(MODEL)
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(3_000_000)
        .setCacheReadMicroUsdPerMtok(300_000).setCacheWriteMicroUsdPerMtok(3_750_000)
        .setCacheWrite1hMicroUsdPerMtok(6_000_000L).setOutputMicroUsdPerMtok(15_000_000)
        .setReasoningMicroUsdPerMtok(15_000_000)
        .setServiceTiers(List.of(ServiceTierPrice.newBuilder().setTier("batch").setUncachedInputMicroUsdPerMtok(1_500_000)
            .setCacheReadMicroUsdPerMtok(150_000).setCacheWriteMicroUsdPerMtok(1_875_000)
            .setOutputMicroUsdPerMtok(7_500_000).setReasoningMicroUsdPerMtok(7_500_000).build()))
        .build());
    return book;
  }

  public static UsageAggregate bucket(String team, String workflow, Instant at, long input, long cacheRead, long cacheWrite,
      long output, long events, long costNano) {
    SeriesKey key = new SeriesKey(team, workflow, "anthropic", MODEL);
    return UsageAggregate.newBuilder().setScope(key.toString()).setTeam(team).setWorkflow(workflow)
        .setProvider("anthropic").setModel(MODEL).setWindowStart(at).setWindowEnd(at.plus(Duration.ofMinutes(15)))
        .setEventCount(events).setRequestCount(events).setUncachedInputTokens(input).setCacheReadTokens(cacheRead)
        .setCacheWriteTokens(cacheWrite).setOutputTokens(output).setReasoningTokens(0).setCostNanoUsd(costNano)
        .build();
  }

  public static BillMapping key(String key, String team) {
    return BillMapping.newBuilder().setProvider("anthropic").setKind(BillIdentityKind.API_KEY).setIdentity(key)
        .setTeam(team).setEffectiveFrom(Instant.parse("2026-10-01T00:00:00Z")).setSetBy("test")
        .setUpdatedAt(Instant.EPOCH).build();
  }

  private static String usage(String key, String tier, long input, long read, long write5m, long write1h, long out) {
    return "{\"api_key_id\":\"" + key + "\",\"workspace_id\":\"wrkspc_main\",\"model\":\"claude-sonnet-4-5-20250929\","
        + "\"service_tier\":\"" + tier + "\",\"context_window\":\"0-200k\",\"uncached_input_tokens\":" + input
        + ",\"cache_read_input_tokens\":" + read + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":" + write5m
        + ",\"ephemeral_1h_input_tokens\":" + write1h + "},\"output_tokens\":" + out + ",\"server_tool_use\":null}";
  }

  public static String cost(String tier, String tokenType, String cents) {
    return "{\"currency\":\"USD\",\"amount\":\"" + cents + "\",\"workspace_id\":\"wrkspc_main\",\"description\":\"x\","
        + "\"cost_type\":\"tokens\",\"model\":\"claude-sonnet-4-5-20250929\",\"token_type\":\"" + tokenType
        + "\",\"service_tier\":\"" + tier + "\",\"context_window\":\"0-200k\"}";
  }

  public static String page(List<String> results) {
    return "{\"data\":[{\"starting_at\":\"2026-11-03T00:00:00Z\",\"ending_at\":\"2026-11-04T00:00:00Z\",\"results\":["
        + String.join(",", results) + "]}],\"has_more\":false,\"next_page\":null}";
  }

  public static List<BillLine> bill() {
    BillLines lines = new BillLines("test", Instant.EPOCH);
    ProviderExports.read("anthropic", "usage.json", page(List.of(
        usage("apikey_support", "standard", 1_000_000, 333_333, 150_000, 50_000, 100_000),
        usage("apikey_research", "batch", 2_000_000, 0, 0, 0, 400_000),
        usage("apikey_shadow", "standard", 500_000, 0, 0, 0, 50_000))), lines);
    ProviderExports.read("anthropic", "cost.json", page(List.of(
        cost("standard", "uncached_input_tokens", "450.0"),
        cost("standard", "cache_read_input_tokens", "10.00"),
        cost("standard", "cache_creation.ephemeral_5m_input_tokens", "56.25"),
        cost("standard", "cache_creation.ephemeral_1h_input_tokens", "30.00"),
        cost("standard", "output_tokens", "240.0"),
        cost("batch", "uncached_input_tokens", "300.0"),
        cost("batch", "output_tokens", "300.0"))), lines);
    return lines.build();
  }

  public static List<UsageAggregate> ledger() {
    return List.of(
        // 3.00 + 0.0999999 + 0.75 + 1.50
        bucket("support", "triage", DAY.plus(Duration.ofHours(10)), 1_000_000, 333_333, 200_000, 100_000, 10,
            5_349_999_900L),
        // 6.00 + 6.00 at standard prices: the batch job was recorded without its tier
        bucket("research", "batch-eval", DAY.plus(Duration.ofHours(11)), 2_000_000, 0, 0, 400_000, 4, 12_000_000_000L));
  }

  public static Reconciliation.Report report(List<BillLine> bill) {
    return report(ledger(), catalog(), bill);
  }

  /** The month of {@code ledger} against {@code bill}, every key of the bill mapped to its team. */
  static Reconciliation.Report report(List<UsageAggregate> ledger, PriceBook catalog, List<BillLine> bill) {
    BillMap map = new BillMap(List.of(key("apikey_support", "support"), key("apikey_research", "research"),
        key("apikey_shadow", "data")));
    return Reconciliation.reconcile(YearMonth.of(2026, 11), null, ledger, catalog, bill, map,
        Reconciliation.Settings.DEFAULT);
  }

  private static List<Finding> of(Reconciliation.Report report, DifferenceClass kind) {
    return report.findings().stream().filter(f -> f.kind() == kind).toList();
  }

  private static void same(String expected, BigDecimal actual, String what) {
    assertEquals(0, new BigDecimal(expected).compareTo(actual), what + ": expected " + expected + ", was " + actual);
  }

  @Test
  void everyPlantedDifferenceIsFoundAndClassifiedExactly() {
    Reconciliation.Report report = report(bill());
    Reconciliation.Summary s = report.summary();
    same("17.3499999", s.ourCostUsd(), "the ledger's day");
    same("13.8625", s.billedUsd(), "the bill's day");
    same("-3.4874999", s.differenceUsd(), "the difference");

    List<Finding> tier = of(report, DifferenceClass.TIER_CLASSIFICATION);
    assertEquals(2, tier.size(), tier.toString());
    same("-3.00", tier.get(0).amountUsd(), "research's batch input");
    assertEquals(2_000_000, tier.get(0).tokens());
    assertEquals("batch", tier.get(0).cell().tier());
    assertTrue(tier.get(0).detail().startsWith("team research: 2,000,000 uncached_input tokens recorded in the standard "
        + "tier are billed in the batch tier"), tier.get(0).detail());
    same("-3.00", tier.get(1).amountUsd(), "research's batch output, at our $15 against the bill's batch $7.50");
    same("-6.00", s.amount(DifferenceClass.TIER_CLASSIFICATION), "tier classification");

    List<Finding> cache = of(report, DifferenceClass.CACHE_CLASSIFICATION);
    assertEquals(1, cache.size(), cache.toString());
    same("0.1125", cache.get(0).amountUsd(), "support's 1-hour writes");
    assertEquals(50_000, cache.get(0).tokens());
    assertEquals("cache_write_1h", cache.get(0).cell().type());

    List<Finding> missing = of(report, DifferenceClass.MISSING_ON_OUR_SIDE);
    assertEquals(2, missing.size(), missing.toString());
    same("1.50", missing.get(0).amountUsd(), "the shadow service's input");
    assertEquals(500_000, missing.get(0).tokens());
    assertEquals(List.of("key apikey_shadow (team data)"), missing.get(0).identities());
    same("0.80", missing.get(1).amountUsd(), "its output, at the bill's price");
    assertEquals(50_000, missing.get(1).tokens());

    List<Finding> drift = of(report, DifferenceClass.PRICE_DRIFT);
    assertEquals(1, drift.size(), drift.toString());
    same("0.10", drift.get(0).amountUsd(), "support's output at $16 against $15");
    assertEquals(100_000, drift.get(0).tokens());
    same("16", drift.get(0).impliedUsdPerMillion(), "the bill's price");
    same("15", drift.get(0).oursUsdPerMillion(), "the catalog's");
    assertEquals("output", drift.get(0).cell().type());

    List<Finding> rounding = of(report, DifferenceClass.ROUNDING);
    assertEquals(1, rounding.size(), rounding.toString());
    same("0.0000001", rounding.get(0).amountUsd(), "cache reads billed as 10.00 cents");
    assertEquals("cache_read", rounding.get(0).cell().type());

    same("0", s.amount(DifferenceClass.UNEXPLAINED), "unexplained");
    same("0", s.amount(DifferenceClass.EXTRA_ON_OUR_SIDE), "extra");
    BigDecimal classes = s.byClass().values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    same("-3.4874999", classes, "the classes sum to the difference");
    assertEquals(1, s.matchedCells(), "the cache reads are the only cell that matches: " + report.rows());
  }

  @Test
  void teamsAreComparedWhereTheKeysSayWhose() {
    Reconciliation.Report report = report(bill());
    List<String> rows = new ArrayList<>();
    report.teams().forEach(t -> rows.add(t.team() + " " + t.ourTokens() + " " + t.billTokens() + " " + t.identities()));
    assertEquals(List.of("data 0 550000 [key apikey_shadow]", "research 2400000 2400000 [key apikey_research]",
        "support 1633333 1633333 [key apikey_support]"), rows);
    assertEquals(List.of(), report.unmapped());
  }

  @Test
  void anUnmappedKeyIsReportedAndItsTokensAreMissingWithoutATeam() {
    BillMap map = new BillMap(List.of(key("apikey_support", "support"), key("apikey_research", "research")));
    Reconciliation.Report report = Reconciliation.reconcile(YearMonth.of(2026, 11), null, ledger(), catalog(), bill(),
        map, Reconciliation.Settings.DEFAULT);
    assertEquals(1, report.unmapped().size(), report.unmapped().toString());
    assertEquals("key apikey_shadow", report.unmapped().get(0).identity());
    assertEquals(550_000, report.unmapped().get(0).tokens());
    List<Finding> missing = of(report, DifferenceClass.MISSING_ON_OUR_SIDE);
    assertEquals(List.of("key apikey_shadow (unmapped)"), missing.get(0).identities());
    same("2.30", report.summary().amount(DifferenceClass.MISSING_ON_OUR_SIDE), "the same money, never guessed whose");
  }

  @Test
  void usageCountedTwiceIsExtraOnOurSideAndSaysItWouldBeABug() {
    List<UsageAggregate> twice = new ArrayList<>(ledger());
    twice.add(bucket("support", "triage", DAY.plus(Duration.ofHours(12)), 10_000, 0, 0, 0, 1, 30_000_000L));
    Reconciliation.Report report = report(twice, catalog(), bill());
    List<Finding> extra = of(report, DifferenceClass.EXTRA_ON_OUR_SIDE);
    assertEquals(1, extra.size(), extra.toString());
    same("-0.03", extra.get(0).amountUsd(), "10,000 input tokens at our $3");
    assertEquals(10_000, extra.get(0).tokens());
    assertTrue(extra.get(0).detail().contains("counted twice would be a bug"), extra.get(0).detail());
    same("0", report.summary().amount(DifferenceClass.UNEXPLAINED), "unexplained");
  }

  @Test
  void aDayTheBillDoesNotCoverIsNotADifference() {
    List<UsageAggregate> more = new ArrayList<>(ledger());
    more.add(bucket("support", "triage", DAY.plus(Duration.ofDays(1)), 10_000, 0, 0, 0, 1, 30_000_000L));
    Reconciliation.Report report = report(more, catalog(), bill());
    assertTrue(report.rows().stream().noneMatch(r -> r.cell().day().equals("2026-11-04")), report.rows().toString());
    assertTrue(report.notes().stream().anyMatch(n -> n.contains("no imported bill covers")), report.notes().toString());
    same("-3.4874999", report.summary().differenceUsd(), "the covered day's difference");
  }

  @Test
  void aChargeThatIsNotTokensIsNotMeteredAndAnAmountNotSplitIsUnexplained() throws Exception {
    List<BillLine> lines = new ArrayList<>(bill());
    BillLines more = new BillLines("more", Instant.EPOCH);
    ProviderExports.read("anthropic", "more.json", page(List.of(
        "{\"currency\":\"USD\",\"amount\":\"1000\",\"workspace_id\":null,\"description\":\"Web Search\","
            + "\"cost_type\":\"web_search\",\"model\":null,\"token_type\":null,\"service_tier\":null,"
            + "\"context_window\":null}",
        "{\"currency\":\"USD\",\"amount\":\"5\",\"workspace_id\":null,\"description\":null,\"model\":null,"
            + "\"token_type\":null,\"service_tier\":null,\"context_window\":null}")), more);
    lines.addAll(more.build());
    Reconciliation.Report report = report(lines);
    same("10.00", report.summary().amount(DifferenceClass.NOT_METERED), "web search");
    same("0.05", report.summary().amount(DifferenceClass.UNEXPLAINED), "5 cents not grouped by description");
    assertTrue(of(report, DifferenceClass.UNEXPLAINED).get(0).detail().contains("grouped by"),
        of(report, DifferenceClass.UNEXPLAINED).toString());
    assertEquals(List.of(), report.unmapped(), "amounts are compared per provider, whoever's they are");
    same("10.05", Objects.requireNonNull(report.byDay().get("2026-11-03")).billedUsd()
        .subtract(new BigDecimal("13.8625")), "the day's bill has both");
  }

  @Test
  void aPriceDriftProposesTheCatalogCorrectionItImpliesAndReratingMakesItDisappear() {
    Reconciliation.Report report = report(bill());
    List<PriceDriftCorrections.Proposal> proposals = PriceDriftCorrections.propose(report, catalog(), "finance");
    assertEquals(1, proposals.size(), proposals.toString());
    io.tokenledger.pricing.Rerating.Spec spec = proposals.get(0).spec().orElseThrow();
    assertEquals(16_000_000, spec.corrected().getOutputMicroUsdPerMtok());
    assertEquals(16_000_000, spec.corrected().getReasoningMicroUsdPerMtok(), "reasoning is billed as output");
    assertEquals(3_000_000, spec.corrected().getUncachedInputMicroUsdPerMtok(), "the other prices stay");
    assertEquals(DAY, spec.from());
    assertEquals(DAY.plus(Duration.ofDays(1)), spec.to());
    assertTrue(proposals.get(0).description().contains("the bill's 16 USD per 1M"), proposals.get(0).description());

    // The re-rating's corrections, applied to the ledger as the aggregation applies them.
    List<io.tokenledger.schemas.PriceCorrection> corrections = io.tokenledger.pricing.Rerating.corrections(ledger(),
        spec, Instant.parse("2026-12-01T00:00:00Z"));
    List<UsageAggregate> corrected = new ArrayList<>();
    for (UsageAggregate b : ledger()) {
      long difference = corrections.stream().filter(c -> c.getTeam().equals(b.getTeam()))
          .mapToLong(io.tokenledger.schemas.PriceCorrection::getDifferenceNanoUsd).sum();
      corrected.add(UsageAggregate.newBuilder(b).setCostNanoUsd(b.getCostNanoUsd() + difference).build());
    }
    assertEquals(5_449_999_900L, corrected.get(0).getCostNanoUsd(), "support's output at $16");
    PriceBook fixed = catalog();
    io.tokenledger.pricing.Rerating.catalogFix(List.of(catalog().priceOf(
        new io.tokenledger.schemas.models.ProviderModel("anthropic", MODEL), DAY.toEpochMilli()).orElseThrow()), spec)
        .forEach(fixed::put);
    Reconciliation.Report again = report(corrected, fixed, bill());
    assertEquals(List.of(), of(again, DifferenceClass.PRICE_DRIFT));
    same("0", again.summary().amount(DifferenceClass.UNEXPLAINED), "unexplained");
    same("2.30", again.summary().amount(DifferenceClass.MISSING_ON_OUR_SIDE), "the unrecorded service is still missing");
  }

  @Test
  void aLongContextBandTheBillPricesApartIsATierClassification() {
    BillLines lines = new BillLines("long", Instant.EPOCH);
    ProviderExports.read("anthropic", "long.json", page(List.of(
        "{\"api_key_id\":\"apikey_support\",\"workspace_id\":\"wrkspc_main\",\"model\":\"claude-sonnet-4-5\","
            + "\"service_tier\":\"standard\",\"context_window\":\"200k-1M\",\"uncached_input_tokens\":300000,"
            + "\"cache_read_input_tokens\":0,\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,"
            + "\"ephemeral_1h_input_tokens\":0},\"output_tokens\":0,\"server_tool_use\":null}",
        // $6 per 1M above 200k tokens: 180 cents, where the catalog (no long-context tier) charged $3.
        "{\"currency\":\"USD\",\"amount\":\"180\",\"workspace_id\":\"wrkspc_main\",\"description\":\"x\","
            + "\"cost_type\":\"tokens\",\"model\":\"claude-sonnet-4-5\",\"token_type\":\"uncached_input_tokens\","
            + "\"service_tier\":\"standard\",\"context_window\":\"200k-1M\"}")), lines);
    Reconciliation.Report report = report(List.of(bucket("support", "triage", DAY.plus(Duration.ofHours(10)), 300_000,
        0, 0, 0, 1, 900_000_000L)), catalog(), lines.build());
    List<Finding> tier = of(report, DifferenceClass.TIER_CLASSIFICATION);
    assertEquals(1, tier.size(), report.findings().toString());
    same("0.90", tier.get(0).amountUsd(), "300,000 tokens at $6 against $3");
    assertEquals(300_000, tier.get(0).tokens());
    assertTrue(tier.get(0).detail().contains("300,000 tokens in the 200k-1M context bands apart"), tier.get(0).detail());
    same("0", report.summary().amount(DifferenceClass.PRICE_DRIFT), "not a price drift");
  }
}
