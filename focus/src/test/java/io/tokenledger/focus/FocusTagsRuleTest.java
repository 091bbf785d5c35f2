package io.tokenledger.focus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.SeriesKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The export's Tags against the FinOps Foundation validator's own rule for them (Tags-C-001-M in
 * the real {@code model-1.2.json}: FormatKeyValue, whose requirements the FOCUS 1.2 spec's
 * Key-Value Format attribute states: a serialized JSON object, unique keys, scalar values), with
 * names of every awkward shape a printable name can have.
 */
class FocusTagsRuleTest {
  /** shared/data/focus beside the checkout (CI lays shared/ next to its clone). */
  private static final Path FOCUS = io.tokenledger.testing.SharedData.path("focus");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void tagsMeetTheValidatorsKeyValueRuleForAnyPrintableName() throws Exception {
    assertTrue(Files.exists(FOCUS.resolve("model-1.2.json")), "the real FOCUS rule file is beside the checkout: " + FOCUS);
    JsonNode rule = JSON.readTree(FOCUS.resolve("model-1.2.json").toFile()).path("ModelRules").path("Tags-C-001-M");
    assertEquals("FormatKeyValue", rule.path("ValidationCriteria").path("Requirement").path("CheckFunction").asText());
    assertEquals("Tags", rule.path("ValidationCriteria").path("Requirement").path("ColumnName").asText());
    String attribute = Files.readString(FOCUS.resolve("spec_v1.2/attributes/key_value_format.md"));
    assertTrue(attribute.contains("MUST contain a serialized JSON string") && attribute.contains("MUST be unique")
        && attribute.contains("MUST NOT be an object or an array"), "the requirements this test checks are the spec's");

    PriceBook catalog = new PriceBook();
    catalog.put(PriceVersion.newBuilder().setProvider("openai").setModel("gpt-4o")
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(2_500_000)
        .setCacheReadMicroUsdPerMtok(1_250_000).setCacheWriteMicroUsdPerMtok(2_500_000)
        .setOutputMicroUsdPerMtok(10_000_000).setReasoningMicroUsdPerMtok(10_000_000).build());
    Instant at = Instant.parse("2026-10-05T10:00:00Z");
    List<String> names = List.of("plain", "quote\"d", "back\\slash", "{\"json\":1}", "[1,2]", "=SUM(A1)", "名前 ünï",
        "emoji \uD83D\uDE80", "tab-like \\t text", "null", "true");
    List<UsageAggregate> ledger = names.stream().map(name -> bucket(name, "wf " + name, at)).toList();
    List<FocusExport.Row> rows = FocusExport.rows(ledger, List.of(), catalog, Instant.parse("2026-10-01T00:00:00Z"),
        Instant.parse("2026-11-01T00:00:00Z"), "acme");
    assertEquals(names.size(), rows.size());
    for (FocusExport.Row row : rows) {
      String tags = row.values().get("Tags");
      assertKeyValueFormat(tags);
      JsonNode parsed = JSON.readTree(tags);
      assertEquals(row.values().get("x_Team"), parsed.get("team").asText(), tags);
      assertEquals(row.values().get("x_Workflow"), parsed.get("workflow").asText(), tags);
    }
  }

  /** FOCUS Key-Value Format: one JSON object, unique keys, values number, string, true, false or null. */
  private static void assertKeyValueFormat(String value) throws Exception {
    try (JsonParser parser = new JsonFactory().createParser(value)) {
      assertEquals(JsonToken.START_OBJECT, parser.nextToken(), value);
      Set<String> keys = new HashSet<>();
      for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
        assertEquals(JsonToken.FIELD_NAME, token, value);
        assertTrue(keys.add(parser.getCurrentName()), "a repeated key in " + value);
        JsonToken v = parser.nextToken();
        assertTrue(v.isScalarValue(), "a value that is not a scalar in " + value);
      }
      assertEquals(null, parser.nextToken(), "nothing after the object in " + value);
    }
  }

  private static UsageAggregate bucket(String team, String workflow, Instant at) {
    SeriesKey key = new SeriesKey(team, workflow, "openai", "gpt-4o");
    return UsageAggregate.newBuilder().setScope(key.toString()).setTeam(team).setWorkflow(workflow)
        .setProvider("openai").setModel("gpt-4o")
        .setWindowStart(at).setWindowEnd(at.plus(Duration.ofMinutes(15))).setEventCount(1).setRequestCount(1)
        .setUncachedInputTokens(1_000).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(0)
        .setReasoningTokens(0).setCostNanoUsd(2_500_000).setUnpricedEventCount(0).setOutcomeUnits(0)
        .setIsFinal(false).build();
  }
}
