package io.tokenledger.focus.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rules of the validator's published {@code model-1.2.json} that contradict the FOCUS 1.2 text
 * they encode, checked as the text says instead. Each applies only while the file still holds the
 * published (defective) requirement, so a corrected file is checked as it is. Today all concern
 * CommitmentDiscountStatus: its allowed values are Used and Unused (the column's table, and the
 * spec's own SQL), not the lifecycle values Active/Expired/Pending the model encodes
 * (FOCUS_Spec issue #2418, open as errata for 1.2 and 1.3); and its two nullability rules have
 * their requirement and condition the wrong way round.
 */
final class Errata {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Erratum(JsonNode published, JsonNode requirement, JsonNode condition, String why) {}

  static final Map<String, Erratum> ALL = errata();

  private Errata() {}

  private static Map<String, Erratum> errata() {
    Map<String, Erratum> all = new LinkedHashMap<>();
    all.put("CommitmentDiscountStatus-C-005-M", new Erratum(
        json("{\"CheckFunction\":\"OR\",\"Items\":[{\"CheckFunction\":\"CheckValue\",\"ColumnName\":\"CommitmentDiscountStatus\",\"Value\":\"Active\"},"
            + "{\"CheckFunction\":\"CheckValue\",\"ColumnName\":\"CommitmentDiscountStatus\",\"Value\":\"Expired\"},"
            + "{\"CheckFunction\":\"CheckValue\",\"ColumnName\":\"CommitmentDiscountStatus\",\"Value\":\"Pending\"}]}"),
        json("{\"CheckFunction\":\"OR\",\"Items\":[{\"CheckFunction\":\"CheckValue\",\"ColumnName\":\"CommitmentDiscountStatus\",\"Value\":\"Used\"},"
            + "{\"CheckFunction\":\"CheckValue\",\"ColumnName\":\"CommitmentDiscountStatus\",\"Value\":\"Unused\"}]}"),
        json("{}"),
        "allowed values are Used and Unused as the column's table says, not Active/Expired/Pending (FOCUS_Spec #2418)"));
    all.put("CommitmentDiscountStatus-C-003-C", new Erratum(
        json("{\"CheckFunction\":\"CheckNotValue\",\"ColumnName\":\"CommitmentDiscountStatus\",\"Value\":null}"),
        json("{\"CheckFunction\":\"CheckValue\",\"ColumnName\":\"CommitmentDiscountStatus\",\"Value\":null}"),
        json("{\"CheckFunction\":\"CheckValue\",\"ColumnName\":\"CommitmentDiscountId\",\"Value\":null}"),
        "'MUST be null when CommitmentDiscountId is null' is encoded as must not be null"));
    all.put("CommitmentDiscountStatus-C-004-C", new Erratum(
        json("{\"CheckFunction\":\"CheckNotValue\",\"ColumnName\":\"CommitmentDiscountStatus\",\"Value\":null}"),
        json("{\"CheckFunction\":\"CheckNotValue\",\"ColumnName\":\"CommitmentDiscountStatus\",\"Value\":null}"),
        json("{\"CheckFunction\":\"AND\",\"Items\":[{\"CheckFunction\":\"CheckNotValue\",\"ColumnName\":\"CommitmentDiscountId\",\"Value\":null},"
            + "{\"CheckFunction\":\"CheckValue\",\"ColumnName\":\"ChargeCategory\",\"Value\":\"Usage\"}]}"),
        "'MUST NOT be null when CommitmentDiscountId is not null and ChargeCategory is Usage' is encoded with the "
            + "condition 'CommitmentDiscountId is null'"));
    return all;
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
