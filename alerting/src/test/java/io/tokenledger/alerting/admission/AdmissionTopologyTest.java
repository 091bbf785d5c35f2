package io.tokenledger.alerting.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.AdmissionDecision;
import io.tokenledger.schemas.AdmissionRequest;
import io.tokenledger.schemas.AdmissionVerdict;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetState;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.BudgetDowngrade;
import io.tokenledger.schemas.BudgetEnforcement;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.ReturnedLease;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admission in the team's task, with the figures worked out by hand. gpt-4o: $2.50 input and $10
 * output per 1M tokens; gpt-4o-mini: $0.15 and $0.60. The standard call asks for 10,000 input
 * tokens and at most 2,000 output: gpt-4o reserves 10,000 x 2.5 + 2,000 x 10 = 45,000 micro-USD =
 * $0.045 = 45,000,000 nano-USD; gpt-4o-mini 1,500 + 1,200 = 2,700 micro-USD = 2,700,000 nano-USD.
 */
class AdmissionTopologyTest {
  private static final long USD = 1_000_000_000L;
  private static final long GPT4O_CALL = 45_000_000L;
  private static final long MINI_CALL = 2_700_000L;
  private static final Instant NOV = Instant.parse("2026-11-10T09:00:00Z");

  private final Topics topics = Topics.from(Map.of("tokenledger.topic.usage.partitions", "1",
      "tokenledger.topic.ledger.team-workflow-model.15m.partitions", "1"));
  private TopologyTestDriver driver;
  private TestInputTopic<String, Budget> budgets;
  private TestInputTopic<String, PriceVersion> prices;
  private TestInputTopic<String, AdmissionRequest> requests;
  private TestInputTopic<String, PricedUsageEvent> usage;
  private TestInputTopic<String, PriceCorrection> corrections;
  private TestOutputTopic<String, AdmissionDecision> decisions;
  private int sequence;

  @BeforeEach
  void start() {
    AlertingSettings settings = AlertingSettings.from(Map.of("tokenledger.admission.call-hold", "1m",
        "tokenledger.admission.lease-ttl", "30s"));
    driver = new TopologyTestDriver(AlertingApp.buildTopology(topics, settings), AlertingApp.config(Map.of(
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
        StreamsConfig.STATE_DIR_CONFIG, "target/admission-test-state")), NOV);
    budgets = driver.createInputTopic(topics.budgets.name(), topics.budgets.keySerde().serializer(),
        topics.budgets.valueSerde().serializer());
    prices = driver.createInputTopic(topics.prices.name(), topics.prices.keySerde().serializer(),
        topics.prices.valueSerde().serializer());
    requests = driver.createInputTopic(topics.admissionRequests.name(), topics.admissionRequests.keySerde().serializer(),
        topics.admissionRequests.valueSerde().serializer());
    usage = driver.createInputTopic(topics.pricedUsage.name(), topics.pricedUsage.keySerde().serializer(),
        topics.pricedUsage.valueSerde().serializer());
    corrections = driver.createInputTopic(topics.priceCorrectionsApplied.name(),
        topics.priceCorrectionsApplied.keySerde().serializer(),
        topics.priceCorrectionsApplied.valueSerde().serializer());
    decisions = driver.createOutputTopic(topics.admissionDecisions.name(),
        topics.admissionDecisions.keySerde().deserializer(), topics.admissionDecisions.valueSerde().deserializer());
    price("gpt-4o", 2_500_000, 10_000_000);
    price("gpt-4o-mini", 150_000, 600_000);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void allowsAndReservesTheEstimateThenItsUsageSettlesIt() {
    setBudget(hard("support-monthly", 1 * USD));
    AdmissionDecision first = admit(request("r1"));
    assertEquals(AdmissionVerdict.ALLOW, first.getVerdict());
    assertTrue(first.getGoverned());
    assertEquals("r1", first.getReservationId());
    assertEquals(GPT4O_CALL, first.getReservedNanoUsd());
    assertEquals(12_000, first.getReservedTokens());
    assertEquals("2.5", first.getInputUsdPerMtok());
    assertEquals("10", first.getOutputUsdPerMtok());
    assertEquals("support-monthly", first.getBudgetId());
    assertEquals(1 * USD - GPT4O_CALL, first.getLeftNanoUsd());
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), first.getResetsAt());
    assertEquals(clock().plus(Duration.ofMinutes(1)), first.getReservationExpiresAt());
    assertEquals("Allowed: up to $0.04 reserved against budget support-monthly, $0.96 left until it resets "
        + "Dec 1 00:00 UTC.", first.getReason());

    // The call cost $0.03: counted, and the $0.045 held for it released.
    usage.pipeInput("support", spent("r1", 30_000_000L, null, null), NOV);
    AdmissionDecision second = admit(request("r2"));
    assertEquals(1 * USD - 30_000_000L - GPT4O_CALL, second.getLeftNanoUsd());

    // Usage without a reservation counts too.
    usage.pipeInput("support", spent(null, 100_000_000L, null, null), NOV);
    assertEquals(1 * USD - 130_000_000L - 2 * GPT4O_CALL, admit(request("r3")).getLeftNanoUsd());
  }

  @Test
  void concurrentRequestsNeverTogetherPassTheLimit() {
    setBudget(hard("support-monthly", 1 * USD));
    List<AdmissionRequest> burst = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      burst.add(request("burst-" + i));
    }
    burst.forEach(r -> requests.pipeInput(r.getTeam(), r, NOV));
    List<AdmissionDecision> answers = decisions.readValuesToList();
    // 22 x $0.045 = $0.99 fits; the 23rd would make $1.035.
    assertEquals(22, answers.stream().filter(d -> d.getVerdict() == AdmissionVerdict.ALLOW).count());
    assertEquals(8, answers.stream().filter(d -> d.getVerdict() == AdmissionVerdict.DENY).count());
    AdmissionDecision denied = answers.get(22);
    assertEquals(AdmissionVerdict.DENY, denied.getVerdict());
    assertEquals(10_000_000L, denied.getLeftNanoUsd());
    assertNull(denied.getReservationId());
    assertEquals("Denied by budget support-monthly (HARD, $1.00 a month): the call needs up to $0.04 and $0.01 is "
        + "left after spend and outstanding reservations; it resets Dec 1 00:00 UTC.", denied.getReason());
  }

  @Test
  void anUnsettledReservationIsReleasedWhenItExpires() {
    setBudget(hard("support-monthly", 80_000_000L));
    assertEquals(AdmissionVerdict.ALLOW, admit(request("held")).getVerdict());
    AdmissionDecision full = admit(request("second"));
    assertEquals(AdmissionVerdict.DENY, full.getVerdict());
    assertEquals(80_000_000L - GPT4O_CALL, full.getLeftNanoUsd());

    advance(Duration.ofSeconds(61));
    AdmissionDecision afterExpiry = admit(request("third"));
    assertEquals(AdmissionVerdict.ALLOW, afterExpiry.getVerdict());
    assertEquals(80_000_000L - GPT4O_CALL, afterExpiry.getLeftNanoUsd());

    // Usage of the expired reservation still counts, only nothing is released for it.
    usage.pipeInput("support", spent("held", 40_000_000L, null, null), NOV);
    AdmissionDecision last = admit(request("fourth"));
    assertEquals(AdmissionVerdict.DENY, last.getVerdict());
    assertEquals(0, last.getLeftNanoUsd()); // $0.04 spent and $0.045 held of $0.08
  }

  @Test
  void aPremiumModelIsDowngradedAboveTheBudgetsShareAndWhenItNoLongerFits() {
    setBudget(Budget.newBuilder(hard("support-monthly", 1 * USD))
        .setDowngrades(List.of(new BudgetDowngrade("gpt-4o", "gpt-4o-mini", 95))).build());
    usage.pipeInput("support", spent(null, 930_000_000L, null, null), NOV);
    assertEquals(AdmissionVerdict.ALLOW, admit(request("at-93")).getVerdict()); // 93% + 4.5% reserved: gpt-4o still
    usage.pipeInput("support", spent("at-93", 22_000_000L, null, null), NOV);    // 95.2% now, and room for gpt-4o

    AdmissionDecision policy = admit(request("at-98"));
    assertEquals(AdmissionVerdict.DOWNGRADE, policy.getVerdict());
    assertEquals("gpt-4o-mini", policy.getModel());
    assertEquals(MINI_CALL, policy.getReservedNanoUsd());
    assertEquals(1 * USD - 952_000_000L - MINI_CALL, policy.getLeftNanoUsd());
    assertEquals("Use gpt-4o-mini instead of gpt-4o: budget support-monthly (HARD) sends gpt-4o calls to gpt-4o-mini "
        + "from 95% of its limit. Up to $0.0027 reserved against budget support-monthly, $0.05 left until it resets "
        + "Dec 1 00:00 UTC.", policy.getReason());
  }

  @Test
  void aCallThatNoLongerFitsIsDowngradedWhenTheCheaperOneDoes() {
    setBudget(Budget.newBuilder(hard("support-monthly", 1 * USD))
        .setDowngrades(List.of(new BudgetDowngrade("gpt-4o", "gpt-4o-mini", 100))).build());
    usage.pipeInput("support", spent(null, 958_000_000L, null, null), NOV); // $0.958 + $0.045 > $1
    AdmissionDecision answer = admit(request("tight"));
    assertEquals(AdmissionVerdict.DOWNGRADE, answer.getVerdict());
    assertEquals("gpt-4o-mini", answer.getModel());
    assertEquals(42_000_000L - MINI_CALL, answer.getLeftNanoUsd());
    assertTrue(answer.getReason().contains("has no room for the gpt-4o call"), answer.getReason());
  }

  @Test
  void personAndAgentAllowancesCountOnlyTheirOwnUsage() {
    setBudget(hard("support-monthly", 100 * USD));
    setBudget(Budget.newBuilder(hard("alice-daily", 100_000_000L)).setUserId("alice").setPeriod(BudgetPeriod.DAY)
        .build());
    setBudget(Budget.newBuilder(hard("triage-bot-daily", 1)).setLimitNanoUsd(null).setLimitTokens(50_000L)
        .setAgentId("triage-bot").setPeriod(BudgetPeriod.DAY).build());
    usage.pipeInput("support", spent(null, 60_000_000L, "alice", null), NOV);
    usage.pipeInput("support", spent(null, 500_000_000L, "bob", null), NOV);
    usage.pipeInput("support", tokens(45_000, "triage-bot"), NOV);

    AdmissionDecision alice = admit(request("a1", "alice", null));
    assertEquals(AdmissionVerdict.DENY, alice.getVerdict());
    assertEquals("alice-daily", alice.getBudgetId());
    assertEquals(40_000_000L, alice.getLeftNanoUsd());
    assertEquals(Instant.parse("2026-11-11T00:00:00Z"), alice.getResetsAt());

    AdmissionDecision bob = admit(request("b1", "bob", null));
    assertEquals(AdmissionVerdict.ALLOW, bob.getVerdict());
    assertEquals("support-monthly", bob.getBudgetId());
    assertEquals(100 * USD - 60_000_000L - 500_000_000L - 45_000L * 2_500 - GPT4O_CALL, bob.getLeftNanoUsd());

    AdmissionDecision bot = admit(request("t1", null, "triage-bot"));
    assertEquals(AdmissionVerdict.DENY, bot.getVerdict());
    assertEquals("triage-bot-daily", bot.getBudgetId());
    assertEquals(5_000L, bot.getLeftTokens());
    assertNull(bot.getLeftNanoUsd());
    assertTrue(bot.getReason().contains("the call needs up to 12,000 tokens and 5,000 tokens is left"),
        bot.getReason());

    // The next day alice's allowance starts again.
    advance(Duration.ofDays(1));
    assertEquals(AdmissionVerdict.ALLOW, admit(request("a2", "alice", null)).getVerdict());
  }

  @Test
  void anAllowanceHasItsOwnStatusAndThresholdAlertsFromItsHoldersUsageOnly() {
    TestOutputTopic<String, BudgetStatus> statuses = driver.createOutputTopic(topics.budgetStatus.name(),
        topics.budgetStatus.keySerde().deserializer(), topics.budgetStatus.valueSerde().deserializer());
    TestOutputTopic<String, BudgetAlert> alerts = driver.createOutputTopic(topics.budgetAlerts.name(),
        topics.budgetAlerts.keySerde().deserializer(), topics.budgetAlerts.valueSerde().deserializer());
    setBudget(Budget.newBuilder(hard("alice-monthly", 100_000_000L)).setUserId("alice")
        .setEnforcement(BudgetEnforcement.SOFT).build());
    usage.pipeInput("support", spent(null, 30_000_000L, "alice", null), NOV);
    usage.pipeInput("support", spent(null, 500_000_000L, "bob", null), NOV);
    usage.pipeInput("support", spent(null, 25_000_000L, "alice", null), NOV); // 55%: 50% crossed
    advance(Duration.ofSeconds(1));

    List<BudgetAlert> raised = alerts.readValuesToList();
    assertEquals(List.of("alice-monthly/2026-11-01/50%"), raised.stream().map(BudgetAlert::getAlertId).toList());
    assertEquals(55_000_000L, raised.get(0).getSpendNanoUsd());
    Map<String, BudgetStatus> latest = statuses.readKeyValuesToMap();
    assertEquals(1, latest.size(), latest.toString()); // only the allowance: alerting's tracker leaves it alone
    BudgetStatus alice = latest.get("alice-monthly");
    assertEquals("alice", alice.getUserId());
    assertEquals(55_000_000L, alice.getSpendNanoUsd());
    assertEquals(5_500, alice.getUsedBasisPoints());
    assertEquals(BudgetState.WARNING, alice.getState());
    assertEquals(Instant.parse("2026-11-01T00:00:00Z"), alice.getPeriodStart());
  }

  @Test
  void aLeaseReservesAShareOfWhatIsLeftBeyondTheCallAndUsageDrawsItDown() {
    setBudget(hard("support-monthly", 1 * USD));
    AdmissionDecision leased = admit(AdmissionRequest.newBuilder(request("lease-1")).setLease(true).build());
    // After the call $0.955 is left; a lease takes 10% of it.
    assertEquals(95_500_000L, leased.getLeaseNanoUsd());
    assertNull(leased.getLeaseTokens());
    assertEquals(clock().plus(Duration.ofSeconds(30)), leased.getLeaseUseUntil());
    assertEquals(clock().plus(Duration.ofSeconds(90)), leased.getReservationExpiresAt());
    assertEquals(1 * USD - GPT4O_CALL - 95_500_000L, leased.getLeftNanoUsd());

    // Three calls admitted from the lease are recorded under its id: the lease holds what is left of it.
    for (int i = 0; i < 3; i++) {
      usage.pipeInput("support", spent("lease-1", 30_000_000L, null, null), NOV);
    }
    assertEquals(1 * USD - 90_000_000L - (GPT4O_CALL + 95_500_000L - 90_000_000L) - GPT4O_CALL,
        admit(request("after-lease")).getLeftNanoUsd());

    // When it expires, the rest is released (and so is the unsettled call's).
    advance(Duration.ofSeconds(91));
    assertEquals(1 * USD - 90_000_000L - GPT4O_CALL, admit(request("after-expiry")).getLeftNanoUsd());
  }

  @Test
  void aLeaseGivenBackReleasesWhatItsHolderDidNotAdmitAndTheRestOnceItsCallsSettled() {
    setBudget(hard("support-monthly", 1 * USD));
    admit(AdmissionRequest.newBuilder(request("lease-1")).setLease(true).build()); // holds $0.045 + $0.0955
    usage.pipeInput("support", spent("lease-1", 30_000_000L, null, null), NOV);    // holds $0.1105 now
    // Its holder admitted two more calls from it ($0.09 estimated, both still running) and gives back $0.0505.
    AdmissionDecision next = admit(AdmissionRequest.newBuilder(request("next"))
        .setReturnedLeases(List.of(new ReturnedLease("lease-1", 50_500_000L, 0L, 3L))).build());
    assertEquals(1 * USD - 30_000_000L - 60_000_000L - GPT4O_CALL, next.getLeftNanoUsd());
    // Given back twice: nothing more is released.
    AdmissionDecision again = admit(AdmissionRequest.newBuilder(request("again"))
        .setReturnedLeases(List.of(new ReturnedLease("lease-1", 900_000_000L, 0L, 3L))).build());
    assertEquals(1 * USD - 30_000_000L - 60_000_000L - 2 * GPT4O_CALL, again.getLeftNanoUsd());
    // The two calls cost $0.025 each: the $0.04 their estimates spared is released with the last.
    usage.pipeInput("support", spent("lease-1", 25_000_000L, null, null), NOV);
    assertEquals(1 * USD - 55_000_000L - 35_000_000L - 3 * GPT4O_CALL, admit(request("one-left")).getLeftNanoUsd());
    usage.pipeInput("support", spent("lease-1", 25_000_000L, null, null), NOV);
    assertEquals(1 * USD - 80_000_000L - 4 * GPT4O_CALL, admit(request("none-left")).getLeftNanoUsd());
  }

  @Test
  void aClosingCallersLateRequestStillGivesBackItsLease() {
    setBudget(hard("support-monthly", 1 * USD));
    admit(AdmissionRequest.newBuilder(request("lease-1")).setLease(true).build()); // holds $0.045 + $0.0955
    usage.pipeInput("support", spent("lease-1", 30_000_000L, null, null), NOV);    // its one call settled
    // The recorder closes: it gives the lease back (one call admitted, $0.0955 not) in a request already late.
    AdmissionDecision late = admit(AdmissionRequest.newBuilder(request("closing")).setAnswerBy(clock().minusMillis(1))
        .setReturnedLeases(List.of(new ReturnedLease("lease-1", 95_500_000L, 0L, 1L))).build());
    assertEquals(AdmissionVerdict.LATE, late.getVerdict());
    assertEquals(1 * USD - 30_000_000L - GPT4O_CALL, admit(request("after")).getLeftNanoUsd());
  }

  @Test
  void nearTheLimitNoLeaseIsGranted() {
    setBudget(hard("support-monthly", 1 * USD));
    usage.pipeInput("support", spent(null, 600_000_000L, null, null), NOV);
    // $0.355 left after the call: a 10% lease ($0.0355) would not hold one more $0.045 call.
    AdmissionDecision answer = admit(AdmissionRequest.newBuilder(request("near")).setLease(true).build());
    assertEquals(AdmissionVerdict.ALLOW, answer.getVerdict());
    assertNull(answer.getLeaseUseUntil());
    assertNull(answer.getLeaseNanoUsd());
  }

  @Test
  void callsNoHardBudgetCoversAreAllowedUngovernedWithoutReserving() {
    setBudget(Budget.newBuilder(hard("support-monthly", 1)).setEnforcement(BudgetEnforcement.SOFT).build());
    AdmissionDecision answer = admit(AdmissionRequest.newBuilder(request("free")).setLease(true).build());
    assertEquals(AdmissionVerdict.ALLOW, answer.getVerdict());
    assertFalse(answer.getGoverned());
    assertNull(answer.getReservationId());
    assertEquals(clock().plus(Duration.ofSeconds(30)), answer.getLeaseUseUntil());
  }

  @Test
  void aRequestReadAfterItsCallerStoppedWaitingReservesNothing() {
    setBudget(hard("support-monthly", 100_000_000L));
    AdmissionDecision late = admit(AdmissionRequest.newBuilder(request("late"))
        .setAnswerBy(NOV.minusMillis(1)).build());
    assertEquals(AdmissionVerdict.LATE, late.getVerdict());
    assertEquals(100_000_000L - GPT4O_CALL, admit(request("on-time")).getLeftNanoUsd());
  }

  @Test
  void anUnpricedModelIsDeniedAgainstAUsdLimit() {
    setBudget(hard("support-monthly", 1 * USD));
    AdmissionDecision answer = admit(AdmissionRequest.newBuilder(request("mystery")).setModel("gpt-9").build());
    assertEquals(AdmissionVerdict.DENY, answer.getVerdict());
    assertTrue(answer.getReason().contains("openai/gpt-9 has no price in force"), answer.getReason());
  }

  @Test
  void anAppliedPriceCorrectionMovesTheTeamsSpend() {
    setBudget(hard("support-monthly", 1 * USD));
    usage.pipeInput("support", spent(null, 500_000_000L, null, null), NOV);
    corrections.pipeInput("support", PriceCorrection.newBuilder().setCorrectionId("c1").setTeam("support")
        .setWorkflow("triage").setProvider("openai").setModel("gpt-4o").setBucketStart(NOV)
        .setDay("2026-11-10").setEventCount(1).setOldCostNanoUsd(500_000_000L).setNewCostNanoUsd(700_000_000L)
        .setDifferenceNanoUsd(200_000_000L).setReason("list price").setCorrectedBy("ops")
        .setCorrectedAt(NOV).build(), NOV);
    assertEquals(1 * USD - 700_000_000L - GPT4O_CALL, admit(request("after")).getLeftNanoUsd());
  }

  private AdmissionDecision admit(AdmissionRequest request) {
    requests.pipeInput(request.getTeam(), request, NOV);
    List<AdmissionDecision> answers = decisions.readValuesToList();
    assertEquals(1, answers.size());
    assertEquals(request.getRequestId(), answers.get(0).getRequestId());
    return answers.get(0);
  }

  private AdmissionRequest request(String id) {
    return request(id, null, null);
  }

  private AdmissionRequest request(String id, String user, String agent) {
    Instant now = clock();
    return AdmissionRequest.newBuilder().setRequestId(id).setTeam("support").setWorkflow("triage").setUserId(user)
        .setAgentId(agent).setProvider("openai").setModel("gpt-4o").setEstimatedInputTokens(10_000)
        .setMaxOutputTokens(2_000).setReplyPartition(0).setRequestedAt(now).setAnswerBy(now.plusSeconds(5)).build();
  }

  private Duration elapsed = Duration.ZERO;

  /** The driver's wall clock: the task decides, holds and expires by it. */
  private Instant clock() {
    return NOV.plus(elapsed);
  }

  private void advance(Duration by) {
    driver.advanceWallClockTime(by);
    elapsed = elapsed.plus(by);
  }

  private PricedUsageEvent spent(String reservation, long nanoUsd, String user, String agent) {
    return PricedUsageEvent.newBuilder().setEventId("e" + (++sequence)).setEventTime(NOV).setTeam("support")
        .setWorkflow("triage").setService("helpdesk").setUserId(user).setAgentId(agent).setProvider("openai")
        .setModel("gpt-4o-2024-08-06").setUncachedInputTokens(0).setOutputTokens(0).setReservationId(reservation)
        .setPricedModel("gpt-4o").setCostNanoUsd(nanoUsd).build();
  }

  private PricedUsageEvent tokens(long input, String agent) {
    return PricedUsageEvent.newBuilder(spent(null, input * 2_500, null, agent)).setUncachedInputTokens(input).build();
  }

  private void setBudget(Budget budget) {
    budgets.pipeInput(budget.getBudgetId(), budget, NOV);
    advance(Duration.ofSeconds(1));
  }

  private void price(String model, long inputMicro, long outputMicro) {
    PriceVersion price = PriceVersion.newBuilder().setProvider("openai").setModel(model)
        .setEffectiveFrom(Instant.parse("2025-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(inputMicro)
        .setCacheReadMicroUsdPerMtok(inputMicro / 2).setCacheWriteMicroUsdPerMtok(inputMicro)
        .setOutputMicroUsdPerMtok(outputMicro).setReasoningMicroUsdPerMtok(outputMicro).build();
    prices.pipeInput(PriceBook.catalogKey(price), price, NOV);
  }

  private static Budget hard(String id, long limitNanoUsd) {
    return Budget.newBuilder().setBudgetId(id).setTeam("support").setLimitNanoUsd(limitNanoUsd)
        .setPeriod(BudgetPeriod.MONTH).setEnforcement(BudgetEnforcement.HARD).setUpdatedAt(NOV).build();
  }
}
