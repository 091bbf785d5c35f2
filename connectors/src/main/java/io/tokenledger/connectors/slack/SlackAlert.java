package io.tokenledger.connectors.slack;

import java.util.List;

/**
 * One alert, ready to be posted: what Slack shows and what delivery needs to know.
 *
 * @param alertId the alert's stable id (dedup key)
 * @param team routes the alert to the team's webhook
 * @param groupKey alerts with the same key arriving together go in one message (a budget, a series)
 * @param cooldownKey flapping control: (series, kind) of an anomaly; null when never held back
 * @param pairId id shared by an anomaly's raise and resolution; null for other alerts
 * @param resolution true when the alert says something is over
 * @param runbook the runbook's file name without '.md'
 * @param title the header, plain text
 * @param fields label/value lines shown in two columns (mrkdwn)
 * @param details longer mrkdwn text (contributors); may be empty
 */
public record SlackAlert(String alertId, String team, String groupKey, String cooldownKey, String pairId,
    boolean resolution, String runbook, String title, List<String> fields, String details) {}
