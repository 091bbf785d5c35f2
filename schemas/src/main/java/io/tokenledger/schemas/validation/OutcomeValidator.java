package io.tokenledger.schemas.validation;

import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules a work outcome must meet to be counted. The recorder and the gateway apply them
 * before sending, the economics again on reading, with limits from {@link ValidationSettings},
 * so they agree by construction.
 */
public final class OutcomeValidator {
  /** More person-time than this on one item is taken for a unit mistake (minutes sent as seconds). */
  public static final long MAX_HUMAN_SECONDS = Duration.ofDays(7).toSeconds();
  public static final long MAX_UNITS = 1_000_000L;

  private final long maxFutureSkewMillis;

  public OutcomeValidator(ValidationSettings settings) {
    this.maxFutureSkewMillis = settings.maxFutureSkew().toMillis();
  }

  /** All rules, with the event time checked against a reference clock, as for usage. */
  public List<Violation> validate(WorkOutcome outcome, long referenceMillis) {
    List<Violation> violations = new ArrayList<>();
    FieldRules.name(violations, "outcome_id", outcome.getOutcomeId(), UsageValidator.MAX_ID_LENGTH);
    FieldRules.name(violations, "work_item_id", outcome.getWorkItemId(), UsageValidator.MAX_ID_LENGTH);
    FieldRules.optionalName(violations, "variant", outcome.getVariant(), UsageValidator.MAX_NAME_LENGTH);
    FieldRules.name(violations, "team", outcome.getTeam(), UsageValidator.MAX_NAME_LENGTH);
    FieldRules.name(violations, "workflow", outcome.getWorkflow(), UsageValidator.MAX_NAME_LENGTH);
    FieldRules.name(violations, "outcome_unit", outcome.getOutcomeUnit(), UsageValidator.MAX_NAME_LENGTH);
    FieldRules.noSeparator(violations, "team", outcome.getTeam());
    FieldRules.noSeparator(violations, "workflow", outcome.getWorkflow());
    FieldRules.noSeparator(violations, "outcome_unit", outcome.getOutcomeUnit());
    if (outcome.getEventTime() == null || outcome.getEventTime().toEpochMilli() <= 0) {
      violations.add(new Violation("event_time", "must be a positive epoch-millisecond UTC time"));
    }
    FieldRules.futureSkew(violations, outcome.getEventTime(), referenceMillis, maxFutureSkewMillis);
    long units = outcome.getUnitsDelivered();
    WorkOutcomeStatus status = outcome.getStatus();
    if (status == null) {
      violations.add(new Violation("status", "is required: SUCCEEDED, FAILED, ESCALATED or ABANDONED"));
    } else if (units < 0 || units > MAX_UNITS) {
      violations.add(new Violation("units_delivered", "must be between 0 and " + MAX_UNITS + ", was " + units));
    } else if (status == WorkOutcomeStatus.SUCCEEDED && units == 0) {
      violations.add(new Violation("units_delivered", "must be at least 1 for a SUCCEEDED item"));
    } else if ((status == WorkOutcomeStatus.FAILED || status == WorkOutcomeStatus.ABANDONED) && units != 0) {
      violations.add(new Violation("units_delivered", "must be 0 for a " + status + " item, was " + units
          + " (an item a person finished is ESCALATED)"));
    }
    long human = outcome.getHumanSeconds();
    if (human < 0 || human > MAX_HUMAN_SECONDS) {
      violations.add(new Violation("human_seconds", "must be between 0 and " + MAX_HUMAN_SECONDS
          + " (7 days), was " + human + "; is it in seconds?"));
    }
    Integer quality = outcome.getQualityScorePercent();
    if (quality != null && (quality < 0 || quality > 100)) {
      violations.add(new Violation("quality_score_percent", "must be between 0 and 100, was " + quality));
    }
    return violations;
  }
}
