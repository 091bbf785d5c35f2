package io.tokenledger.connectors.slack;

import io.micrometer.core.instrument.Counter;
import io.tokenledger.platform.metrics.ServiceMeters;

/**
 * Slack deliveries as SREs watch them: {@code tokenledger_slack_posts_total{result=posted|
 * rate_limited|failed_will_retry|refused}} (one post carries up to a few alerts) and
 * {@code tokenledger_slack_alerts_delivered_total}. Retries are the rate-limited and failed posts.
 */
final class SlackMeters {
  static final Counter ALERTS_DELIVERED = ServiceMeters.counter("tokenledger.slack.alerts.delivered",
      "Alerts posted to Slack (each once)");

  private SlackMeters() {}

  static Counter posts(String result) {
    return ServiceMeters.counter("tokenledger.slack.posts", "Posts to Slack webhooks, by result", "result", result);
  }
}
