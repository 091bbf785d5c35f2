package io.tokenledger.ingest.admission;

import io.tokenledger.schemas.UsageEvent;
import java.time.Instant;

/**
 * The answer to an {@link AdmissionQuery}.
 *
 * @param model the model to call: the one asked for, or the cheaper one on {@link Verdict#DOWNGRADE}
 * @param governed whether a HARD budget covers the call (else it is only counted)
 * @param reservationId what the call's usage must carry ({@link #stamp}); null when nothing was reserved
 * @param reservedNanoUsd what was reserved for this call (0 when nothing was)
 * @param budgetId the budget the answer is about: the one that denied or downgraded, or the
 *     tightest one that allowed; null when none was consulted
 * @param leftNanoUsd that budget's USD headroom after this answer, when the team's task answered
 * @param resetsAt when that budget's period ends
 * @param reason the answer for a person
 * @param source who answered: the caller's lease, the team's task, or nobody in time
 */
public record Admission(Verdict verdict, String provider, String model, boolean governed, String reservationId,
    long reservedNanoUsd, long reservedTokens, String budgetId, Long leftNanoUsd, Long leftTokens, Instant resetsAt,
    String reason, Source source) {
  /** Make the call as asked, make it with {@link #model()} instead, or do not make it. */
  public enum Verdict { ALLOW, DOWNGRADE, DENY }

  /**
   * LEASE: from headroom the team's task granted this caller earlier, without a round trip.
   * TEAM_TASK: the team's task decided. UNREACHABLE: the team's task did not answer in time, and
   * the covering budgets' fail-open or fail-closed choice decided.
   */
  public enum Source { LEASE, TEAM_TASK, UNREACHABLE }

  public boolean allowed() {
    return verdict != Verdict.DENY;
  }

  /** The usage of the call, carrying the reservation it settles. */
  public UsageEvent.Builder stamp(UsageEvent.Builder usage) {
    return usage.setReservationId(reservationId);
  }
}
