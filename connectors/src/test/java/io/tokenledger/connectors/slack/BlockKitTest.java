package io.tokenledger.connectors.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Oversized content is cut to Slack's limits instead of being refused by Slack. */
class BlockKitTest {
  @Test
  void eightAlertsWithOversizedTextStayWithinEveryLimit() throws Exception {
    String huge = String.join("", Collections.nCopies(5_000, "x"));
    List<String> fields = new ArrayList<>(Collections.nCopies(14, huge));
    List<SlackAlert> alerts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      alerts.add(new SlackAlert("id-" + i, "support", "g", null, null, false, "budget-threshold", huge, fields, huge));
    }
    JsonNode message = new ObjectMapper().readTree(BlockKit.message(alerts, "https://runbooks.example/", 3));

    JsonNode blocks = message.get("blocks");
    assertEquals(8 * 5 + 7 + 1, blocks.size(), "5 blocks per alert, 7 dividers, 1 held-back note");
    assertTrue(blocks.size() <= BlockKit.MAX_BLOCKS);
    assertEquals(BlockKit.HEADER_MAX, blocks.get(0).at("/text/text").asText().length());
    assertEquals(BlockKit.FIELDS_MAX, blocks.get(1).get("fields").size());
    assertEquals(BlockKit.FIELD_TEXT_MAX, blocks.get(1).at("/fields/0/text").asText().length());
    assertEquals(BlockKit.SECTION_TEXT_MAX, blocks.get(2).at("/text/text").asText().length());
    assertTrue(blocks.get(2).at("/text/text").asText().endsWith("…"));
    assertEquals("3 similar alerts were held back by the cooldown since the last message.",
        blocks.get(blocks.size() - 1).at("/elements/0/text").asText());
    assertThrows(IllegalArgumentException.class, () -> BlockKit.message(
        Collections.nCopies(9, alerts.get(0)), "https://runbooks.example/", 0));
  }
}
