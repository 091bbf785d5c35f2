package io.tokenledger.schemas.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Names and ids end up in CSV, Parquet, JSON, Slack and logs: a control character in one is refused, naming the field. */
class ControlCharactersTest {
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  private final UsageValidator usage = UsageValidator.withDefaults();
  private final OutcomeValidator outcomes = ValidationSettings.defaults().outcomeValidator();

  @Test
  void aUsageEventWithAControlCharacterInAnyNameIsRefusedNamingTheField() {
    assertEquals(List.of(), usage.validate(event().build()));
    assertEquals(List.of("workflow: contains the control character U+0000 at position 7; names and ids must be "
        + "printable"), usage.validate(event().setWorkflow("invoice\0extraction").build()).stream()
        .map(Violation::toString).toList());
    assertEquals(List.of("model"), fields(event().setModel("gpt-4o\r").build()));
    assertEquals(List.of("event_id"), fields(event().setEventId("e-1\n").build()));
    assertEquals(List.of("team"), fields(event().setTeam("sup\u001bport").build()));
    assertEquals(List.of("service"), fields(event().setService("svc\u007f").build()));
    assertEquals(List.of("provider"), fields(event().setProvider("open\u0085ai").build()));
    assertEquals(List.of("user_id"), fields(event().setUserId("ana\u2028").build()));
    assertEquals(List.of("agent_id"), fields(event().setAgentId("bot\t1").build()));
    assertEquals(List.of("work_item_id"), fields(event().setWorkItemId("T\u00001").build()));
    assertEquals(List.of("outcome_unit"), fields(event().setOutcomeUnit("ticket\u2029").build()));
    // Printable names of any script, '|' in a model name, quotes and '=' stay valid.
    assertEquals(List.of(), usage.validate(event().setModel("org/model|v2 \"é\" =1").setUserId("ünïcødé 名前").build()));
  }

  @Test
  void anOutcomeWithAControlCharacterIsRefusedNamingTheField() {
    WorkOutcome outcome = WorkOutcome.newBuilder().setOutcomeId("o-1").setWorkItemId("T-1").setTeam("support")
        .setWorkflow("triage").setOutcomeUnit("ticket\r\n").setStatus(WorkOutcomeStatus.FAILED).setEventTime(NOW).build();
    assertEquals(List.of("outcome_unit"), outcomes.validate(outcome, NOW.toEpochMilli()).stream()
        .map(Violation::field).toList());
  }

  private List<String> fields(UsageEvent event) {
    return usage.validate(event).stream().map(Violation::field).toList();
  }

  private static UsageEvent.Builder event() {
    return UsageEvent.newBuilder().setEventId("e-1").setEventTime(NOW).setTeam("support").setWorkflow("triage")
        .setService("helpdesk").setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(10)
        .setOutputTokens(5).setRequestCount(1);
  }
}
