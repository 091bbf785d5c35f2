package io.tokenledger.alerting.admission;

import io.tokenledger.schemas.AdmissionDecision;
import io.tokenledger.schemas.AdmissionRequest;
import io.tokenledger.schemas.AdmissionVerdict;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.alerts.AlertTexts;
import io.tokenledger.schemas.money.MoneyFormat;
import java.time.Duration;
import java.time.Instant;

/** The answers to one request, each with its reason written for the person reading it. */
final class Decisions {
  private final AdmissionRequest request;
  private final long now;

  Decisions(AdmissionRequest request, long now) {
    this.request = request;
    this.now = now;
  }

  private AdmissionDecision.Builder base(AdmissionVerdict verdict, boolean governed) {
    return AdmissionDecision.newBuilder().setRequestId(request.getRequestId()).setTeam(request.getTeam())
        .setVerdict(verdict).setProvider(request.getProvider()).setModel(request.getModel()).setGoverned(governed)
        .setDecidedAt(Instant.ofEpochMilli(now));
  }

  AdmissionDecision late() {
    return base(AdmissionVerdict.LATE, false).setReason("Read " + (now - request.getAnswerBy().toEpochMilli())
        + " ms after the caller stopped waiting: nothing was reserved (the caller applied its budgets' "
        + "fail-open or fail-closed choice).").build();
  }

  AdmissionDecision again(Reservation known) {
    return base(AdmissionVerdict.ALLOW, true).setReservationId(known.id())
        .setReservedNanoUsd(known.remainingNanoUsd()).setReservedTokens(known.remainingTokens())
        .setReservationExpiresAt(Instant.ofEpochMilli(known.expiresAt()))
        .setReason("Already allowed: reservation " + known.id() + " holds " + MoneyFormat.usd(known.remainingNanoUsd())
            + " until " + AlertTexts.when(Instant.ofEpochMilli(known.expiresAt()), "UTC") + ".").build();
  }

  AdmissionDecision ungoverned(CallEstimate estimate, Duration leaseTtl) {
    AdmissionDecision.Builder b = prices(base(AdmissionVerdict.ALLOW, false), estimate)
        .setReason("Allowed: no HARD budget covers " + request.getTeam() + "'s " + request.getWorkflow()
            + " calls of " + request.getModel() + "; the call is counted when its usage is recorded.");
    if (!leaseTtl.isZero()) {
      b.setLeaseUseUntil(Instant.ofEpochMilli(now + leaseTtl.toMillis()));
    }
    return b.build();
  }

  AdmissionDecision allowed(String model, CallEstimate estimate, Reservation reservation, Lease lease, Long useUntil,
      Budget tightest, Headroom after, AdmissionControl.PeriodSpend period, AdmissionControl.Downgrade downgrade) {
    AdmissionDecision.Builder b = prices(base(downgrade == null ? AdmissionVerdict.ALLOW : AdmissionVerdict.DOWNGRADE,
        true), estimate).setModel(model).setReservationId(reservation.id())
        .setReservedNanoUsd(estimate.nanoUsd()).setReservedTokens(estimate.tokens())
        .setReservationExpiresAt(Instant.ofEpochMilli(reservation.expiresAt()))
        .setBudgetId(tightest.getBudgetId()).setLeftNanoUsd(after.leftNanoUsd()).setLeftTokens(after.leftTokens())
        .setResetsAt(Instant.ofEpochMilli(period.end()));
    if (lease != null) {
      b.setLeaseNanoUsd(lease.nanoUsd()).setLeaseTokens(lease.tokens()).setLeaseUseUntil(Instant.ofEpochMilli(useUntil));
    }
    String reserved = "up to " + MoneyFormat.usd(estimate.nanoUsd()) + " reserved against budget "
        + tightest.getBudgetId() + ", " + left(after, tightest) + " left until it resets "
        + resets(tightest, period) + (lease == null ? "" : "; a lease of " + leaseText(lease) + " for further calls");
    if (downgrade == null) {
      return b.setReason("Allowed: " + reserved + ".").build();
    }
    Budget by = downgrade.refusal().budget();
    String why = downgrade.refusal().kind() == AdmissionControl.Refusal.Kind.POLICY
        ? "sends " + downgrade.rule().getFromModel() + " calls to " + downgrade.rule().getToModel() + " from "
            + downgrade.rule().getAbovePercent() + "% of its limit"
        : "has no room for the " + request.getModel() + " call";
    return b.setReason("Use " + model + " instead of " + request.getModel() + ": budget " + by.getBudgetId()
        + " (HARD) " + why + ". " + Character.toUpperCase(reserved.charAt(0)) + reserved.substring(1) + ".").build();
  }

  AdmissionDecision deny(AdmissionControl.Refusal refusal, CallEstimate estimate, AdmissionControl.PeriodSpend period,
      long[] reserved) {
    Budget budget = refusal.budget();
    Headroom room = new Headroom(budget, period, reserved);
    String why = switch (refusal.kind()) {
      case UNPRICED -> request.getProvider() + "/" + request.getModel() + " has no price in force, so its call cannot "
          + "be admitted against a USD limit; add its price with 'tokenledger prices set'";
      case POLICY -> request.getModel() + " calls are off from a share of its limit (" + room.usedBasisPoints() / 100
          + "% spent or reserved) and the cheaper model does not fit either";
      case OVER_LIMIT -> "the call needs up to " + need(budget, estimate) + " and " + left(room, budget)
          + " is left after spend and outstanding reservations";
    };
    return prices(base(AdmissionVerdict.DENY, true), estimate).setBudgetId(budget.getBudgetId())
        .setReservedNanoUsd(0).setReservedTokens(0)
        .setLeftNanoUsd(room.leftNanoUsd()).setLeftTokens(room.leftTokens())
        .setResetsAt(Instant.ofEpochMilli(period.end()))
        .setReason("Denied by budget " + budget.getBudgetId() + " (HARD, " + limit(budget) + "): " + why
            + "; it resets " + resets(budget, period) + ".").build();
  }

  private static AdmissionDecision.Builder prices(AdmissionDecision.Builder b, CallEstimate estimate) {
    if (estimate.priced()) {
      b.setInputUsdPerMtok(estimate.inputUsdPerMtok().toPlainString())
          .setOutputUsdPerMtok(estimate.outputUsdPerMtok().toPlainString());
    }
    return b;
  }

  private static String left(Headroom room, Budget budget) {
    return budget.getLimitNanoUsd() != null ? MoneyFormat.usd(room.leftNanoUsd())
        : AlertTexts.amount(room.leftTokens(), io.tokenledger.schemas.BudgetMeasure.TOKENS);
  }

  private static String need(Budget budget, CallEstimate estimate) {
    return budget.getLimitNanoUsd() != null ? MoneyFormat.usd(estimate.nanoUsd())
        : AlertTexts.amount(estimate.tokens(), io.tokenledger.schemas.BudgetMeasure.TOKENS);
  }

  private static String limit(Budget budget) {
    return budget.getLimitNanoUsd() != null ? MoneyFormat.usd(budget.getLimitNanoUsd()) + " a "
        + budget.getPeriod().name().toLowerCase()
        : AlertTexts.amount(budget.getLimitTokens(), io.tokenledger.schemas.BudgetMeasure.TOKENS) + " a "
            + budget.getPeriod().name().toLowerCase();
  }

  private static String leaseText(Lease lease) {
    return lease.nanoUsd() != null ? MoneyFormat.usd(lease.nanoUsd())
        : AlertTexts.amount(lease.tokens(), io.tokenledger.schemas.BudgetMeasure.TOKENS);
  }

  private static String resets(Budget budget, AdmissionControl.PeriodSpend period) {
    return AlertTexts.when(Instant.ofEpochMilli(period.end()), budget.getTimezone());
  }
}
