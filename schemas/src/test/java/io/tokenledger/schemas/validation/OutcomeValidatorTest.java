package io.tokenledger.schemas.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeValidatorTest {
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  private final OutcomeValidator validator = ValidationSettings.defaults().outcomeValidator();

  @Test
  void aSucceededItemWithItsUnitsAndReviewTimeIsValid() {
    assertEquals(List.of(), validator.validate(outcome(WorkOutcomeStatus.SUCCEEDED, 1, 90), NOW.toEpochMilli()));
    assertEquals(List.of(), validator.validate(outcome(WorkOutcomeStatus.ESCALATED, 1, 720), NOW.toEpochMilli()));
    assertEquals(List.of(), validator.validate(outcome(WorkOutcomeStatus.FAILED, 0, 0), NOW.toEpochMilli()));
  }

  @Test
  void namesEveryFieldThatBreaksARule() {
    WorkOutcome bad = WorkOutcome.newBuilder(outcome(WorkOutcomeStatus.FAILED, 2, -5)).setTeam("sup|port")
        .setWorkItemId(" ").setQualityScorePercent(101).setEventTime(NOW.plusSeconds(3600)).build();
    List<String> fields = validator.validate(bad, NOW.toEpochMilli()).stream().map(Violation::field).toList();
    assertEquals(List.of("work_item_id", "team", "event_time", "units_delivered", "human_seconds",
        "quality_score_percent"), fields);
    assertEquals("units_delivered: must be at least 1 for a SUCCEEDED item", validator.validate(
        outcome(WorkOutcomeStatus.SUCCEEDED, 0, 0), NOW.toEpochMilli()).get(0).toString());
  }

  private static WorkOutcome outcome(WorkOutcomeStatus status, long units, long humanSeconds) {
    return WorkOutcome.newBuilder().setOutcomeId("o-1").setWorkItemId("ticket-42").setTeam("support")
        .setWorkflow("ticket-triage").setOutcomeUnit("ticket").setStatus(status).setUnitsDelivered(units)
        .setHumanSeconds(humanSeconds).setEventTime(NOW).build();
  }
}
