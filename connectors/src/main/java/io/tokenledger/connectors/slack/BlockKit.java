package io.tokenledger.connectors.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Block Kit payloads for incoming webhooks, within Slack's limits: at most 50 blocks a message,
 * header text 150 characters, section text 3,000, at most 10 section fields of 2,000 each,
 * at most 10 context elements. Longer text is cut with an ellipsis rather than rejected by Slack.
 */
public final class BlockKit {
  static final int MAX_BLOCKS = 50;
  static final int BLOCKS_PER_ALERT = 5;
  static final int HEADER_MAX = 150;
  static final int SECTION_TEXT_MAX = 3000;
  static final int FIELDS_MAX = 10;
  static final int FIELD_TEXT_MAX = 2000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private BlockKit() {}

  /**
   * One message for alerts of one scope (at most 8: 5 blocks each plus dividers and a note
   * stay under 50 blocks).
   *
   * @param heldBack anomalies of this scope held back by the cooldown since its last message
   */
  public static String message(List<SlackAlert> alerts, String runbookBaseUrl, int heldBack) {
    if (alerts.isEmpty() || alerts.size() * (BLOCKS_PER_ALERT + 1) + 1 > MAX_BLOCKS) {
      throw new IllegalArgumentException("a message holds 1 to 8 alerts, not " + alerts.size());
    }
    ObjectNode message = JSON.createObjectNode();
    String fallback = alerts.get(0).title() + (alerts.size() > 1 ? " (+" + (alerts.size() - 1) + " more)" : "");
    message.put("text", cut(fallback, SECTION_TEXT_MAX));
    ArrayNode blocks = message.putArray("blocks");
    for (int i = 0; i < alerts.size(); i++) {
      if (i > 0) {
        blocks.addObject().put("type", "divider");
      }
      addAlert(blocks, alerts.get(i), runbookBaseUrl);
    }
    if (heldBack > 0) {
      ObjectNode note = blocks.addObject().put("type", "context");
      note.putArray("elements").addObject().put("type", "mrkdwn").put("text",
          heldBack + " similar alert" + (heldBack == 1 ? " was" : "s were") + " held back by the cooldown since the last message.");
    }
    return message.toString();
  }

  private static void addAlert(ArrayNode blocks, SlackAlert alert, String runbookBaseUrl) {
    ObjectNode header = blocks.addObject().put("type", "header");
    header.putObject("text").put("type", "plain_text").put("text", cut(alert.title(), HEADER_MAX)).put("emoji", true);
    ObjectNode fields = blocks.addObject().put("type", "section");
    ArrayNode list = fields.putArray("fields");
    for (String field : alert.fields().subList(0, Math.min(FIELDS_MAX, alert.fields().size()))) {
      list.addObject().put("type", "mrkdwn").put("text", cut(field, FIELD_TEXT_MAX));
    }
    if (!alert.details().isEmpty()) {
      blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
          .put("text", cut(alert.details(), SECTION_TEXT_MAX));
    }
    blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
        .put("text", "<" + runbookBaseUrl + alert.runbook() + ".md|Runbook: " + alert.runbook() + ">");
    blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
        .put("text", cut("alert_id: `" + alert.alertId() + "`", SECTION_TEXT_MAX));
  }

  static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
