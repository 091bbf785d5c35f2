package io.tokenledger.ingest.gateway.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.ingest.admission.AdmissionQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code POST /v1/admit}: one call's team (the key's when left out), workflow, provider,
 * model, {@code estimated_input_tokens}, {@code max_output_tokens}, and optionally its
 * {@code user_id} and {@code agent_id}.
 */
public final class AdmitRequestParser {
  private static final Set<String> FIELDS = Set.of("team", "workflow", "provider", "model", "estimated_input_tokens",
      "max_output_tokens", "user_id", "agent_id");
  private final ObjectMapper json = new ObjectMapper();

  /** The query, or the problems (each naming its field). */
  public record Result(AdmissionQuery query, List<FieldError> errors) {}

  public Result parse(byte[] body, String callerTeam) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (IOException e) {
      errors.add(new FieldError(-1, "body", "is not JSON: " + e.getMessage().lines().findFirst().orElse("")));
      return new Result(null, errors);
    }
    if (node == null || !node.isObject()) {
      errors.add(new FieldError(-1, "body", "must be one JSON object"));
      return new Result(null, errors);
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        errors.add(new FieldError(-1, name, "is not a field of an admission request (" + String.join(", ",
            FIELDS.stream().sorted().toList()) + ")"));
      }
    }
    String team = JsonFields.text(node, "team", -1, errors, false);
    String workflow = JsonFields.text(node, "workflow", -1, errors, true);
    String provider = JsonFields.text(node, "provider", -1, errors, true);
    String model = JsonFields.text(node, "model", -1, errors, true);
    for (String field : List.of("estimated_input_tokens", "max_output_tokens")) {
      if (!node.has(field)) {
        errors.add(new FieldError(-1, field, "is required"));
      }
    }
    long input = JsonFields.count(node, "estimated_input_tokens", -1, errors);
    long output = JsonFields.count(node, "max_output_tokens", -1, errors);
    if (input < 0 || output < 0) {
      errors.add(new FieldError(-1, input < 0 ? "estimated_input_tokens" : "max_output_tokens",
          "cannot be negative"));
    }
    for (String[] text : new String[][] {{"workflow", workflow}, {"provider", provider}, {"model", model}}) {
      if (text[1] != null && text[1].isBlank() && errors.stream().noneMatch(e -> e.field().equals(text[0]))) {
        errors.add(new FieldError(-1, text[0], "cannot be blank"));
      }
    }
    if (!errors.isEmpty()) {
      return new Result(null, errors);
    }
    return new Result(new AdmissionQuery(team == null ? callerTeam : team, workflow, provider, model, input, output,
        JsonFields.text(node, "user_id", -1, errors, false), JsonFields.text(node, "agent_id", -1, errors, false)),
        errors);
  }
}
