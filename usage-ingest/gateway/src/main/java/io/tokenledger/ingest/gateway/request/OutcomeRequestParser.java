package io.tokenledger.ingest.gateway.request;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import io.tokenledger.schemas.validation.OutcomeValidator;
import io.tokenledger.schemas.validation.Violation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code POST /v1/outcomes} body: one outcome object, an array, or
 * {@code {"outcomes": [...]}}, with the WorkOutcome schema's field names. Person-time comes as
 * {@code human_seconds} (whole) or {@code human_minutes} (a decimal such as 12.5), converted
 * exactly; a value that is not a whole number of seconds is refused rather than rounded.
 */
public final class OutcomeRequestParser {
  private static final Set<String> FIELDS = Set.of("outcome_id", "work_item_id", "team", "workflow", "outcome_unit",
      "status", "units_delivered", "human_seconds", "human_minutes", "quality_score_percent", "event_time",
      "attributes", "variant");
  private static final BigDecimal SIXTY = BigDecimal.valueOf(60);

  private final OutcomeValidator validator;
  private final int maxRecords;

  public OutcomeRequestParser(OutcomeValidator validator, int maxRecords) {
    this.validator = validator;
    this.maxRecords = maxRecords;
  }

  /** @param defaultTeam the API key's team, used where an outcome names none */
  public Parsed<WorkOutcome> parse(byte[] body, String defaultTeam) {
    List<FieldError> errors = new ArrayList<>();
    List<JsonNode> nodes = JsonFields.records(body, "outcomes", maxRecords, errors);
    List<WorkOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      WorkOutcome outcome = outcome(i, nodes.get(i), defaultTeam, errors);
      if (outcome != null) {
        outcomes.add(outcome);
      }
    }
    return new Parsed<>(errors.isEmpty() ? outcomes : List.of(), errors);
  }

  private WorkOutcome outcome(int index, JsonNode node, String defaultTeam, List<FieldError> errors) {
    if (!node.isObject()) {
      errors.add(new FieldError(index, "outcome", "must be a JSON object"));
      return null;
    }
    int before = errors.size();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        errors.add(new FieldError(index, name, "is not a work outcome field"
            + (name.equals("event_id") ? "; an outcome's id is outcome_id" : "")));
      }
    }
    WorkOutcome.Builder outcome = WorkOutcome.newBuilder()
        .setOutcomeId(JsonFields.text(node, "outcome_id", index, errors, true))
        .setWorkItemId(JsonFields.text(node, "work_item_id", index, errors, true))
        .setTeam(node.hasNonNull("team") ? JsonFields.text(node, "team", index, errors, true) : defaultTeam)
        .setWorkflow(JsonFields.text(node, "workflow", index, errors, true))
        .setOutcomeUnit(JsonFields.text(node, "outcome_unit", index, errors, true))
        .setStatus(status(node, index, errors))
        .setUnitsDelivered(JsonFields.count(node, "units_delivered", index, errors))
        .setHumanSeconds(humanSeconds(node, index, errors))
        .setEventTime(JsonFields.time(node, index, errors))
        .setAttributes(JsonFields.attributes(node, index, errors))
        .setVariant(JsonFields.text(node, "variant", index, errors, false));
    if (node.hasNonNull("quality_score_percent")) {
      long quality = JsonFields.count(node, "quality_score_percent", index, errors);
      outcome.setQualityScorePercent((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, quality)));
    }
    if (errors.size() > before) {
      return null;
    }
    WorkOutcome built = outcome.build();
    for (Violation violation : validator.validate(built, System.currentTimeMillis())) {
      errors.add(new FieldError(index, violation.field(), violation.problem()));
    }
    return errors.size() > before ? null : built;
  }

  private static WorkOutcomeStatus status(JsonNode node, int index, List<FieldError> errors) {
    String text = JsonFields.text(node, "status", index, errors, true);
    for (WorkOutcomeStatus status : WorkOutcomeStatus.values()) {
      if (status.name().equals(text)) {
        return status;
      }
    }
    if (!text.isEmpty()) {
      errors.add(new FieldError(index, "status", "must be one of " + Arrays.toString(WorkOutcomeStatus.values())
          + ", was '" + text + "'"));
    }
    return WorkOutcomeStatus.FAILED;
  }

  private static long humanSeconds(JsonNode node, int index, List<FieldError> errors) {
    boolean seconds = node.hasNonNull("human_seconds");
    JsonNode minutes = node.get("human_minutes");
    if (minutes == null || minutes.isNull()) {
      return seconds ? JsonFields.count(node, "human_seconds", index, errors) : 0;
    }
    if (seconds) {
      errors.add(new FieldError(index, "human_minutes", "give either human_minutes or human_seconds, not both"));
      return 0;
    }
    if (!minutes.isNumber()) {
      errors.add(new FieldError(index, "human_minutes", "must be a number of minutes such as 12 or 12.5, was " + minutes));
      return 0;
    }
    // decimalValue() keeps the JSON text's digits: 0.1 stays exactly 0.1, never 0.1000000000000000055.
    BigDecimal value = minutes.decimalValue().multiply(SIXTY);
    try {
      return value.stripTrailingZeros().longValueExact();
    } catch (ArithmeticException e) {
      errors.add(new FieldError(index, "human_minutes", minutes.asText() + " minutes is " + value.toPlainString()
          + " seconds, not a whole number; send human_seconds"));
      return 0;
    }
  }
}
