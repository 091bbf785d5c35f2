package io.tokenledger.connectors.slack;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The Slack sink's configuration. Webhook URLs are secrets (whoever has one can post to the
 * channel): they are {@code PASSWORD} configs, so Connect shows them as {@code [hidden]}, and
 * this connector never writes one to a log or an error message.
 */
public final class SlackSinkConfig extends AbstractConfig {
  public static final String WEBHOOKS = "slack.webhooks";
  public static final String DEFAULT_WEBHOOK = "slack.webhook.default";
  public static final String RUNBOOK_BASE_URL = "slack.runbook.base.url";
  public static final String COOLDOWN_MS = "slack.cooldown.ms";
  public static final String BACKOFF_INITIAL_MS = "slack.retry.backoff.initial.ms";
  public static final String BACKOFF_MAX_MS = "slack.retry.backoff.max.ms";
  public static final String HTTP_TIMEOUT_MS = "slack.http.timeout.ms";
  public static final String MAX_ALERTS_PER_MESSAGE = "slack.max.alerts.per.message";
  public static final String DELIVERED_TOPIC = "delivered.topic";
  public static final String DELIVERED_BOOTSTRAP = "delivered.bootstrap.servers";

  public static final ConfigDef CONFIG_DEF = new ConfigDef()
      .define(WEBHOOKS, Type.PASSWORD, "", Importance.HIGH,
          "Per-team Slack incoming webhooks: 'team=https://hooks.slack.com/services/...' pairs separated by commas "
              + "or new lines. An alert goes to its team's webhook.")
      .define(DEFAULT_WEBHOOK, Type.PASSWORD, "", Importance.MEDIUM,
          "Webhook for teams without their own. Empty: alerts of such teams are reported as errant records "
              + "(the dead-letter queue, when configured) and skipped.")
      .define(RUNBOOK_BASE_URL, Type.STRING, "https://github.com/tokenledger/tokenledger/blob/main/ops/runbooks/",
          Importance.MEDIUM, "Base URL of the runbooks; each message links '<base><alert type>.md'.")
      .define(COOLDOWN_MS, Type.LONG, 15 * 60_000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
          "A series' anomaly of the same kind raised again within this time of the last posted one is not posted "
              + "(nor is its resolution); the next message for the series counts what was held back.")
      .define(BACKOFF_INITIAL_MS, Type.LONG, 500L, ConfigDef.Range.atLeast(1), Importance.LOW,
          "First wait after a failed post (5xx or no answer); doubles on each further failure.")
      .define(BACKOFF_MAX_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
          "Longest wait between retries. Posts are retried until they succeed: alerts are never dropped for a "
              + "transient failure.")
      .define(HTTP_TIMEOUT_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
          "Connect and request timeout of one post.")
      .define(MAX_ALERTS_PER_MESSAGE, Type.INT, 8, ConfigDef.Range.between(1, 8), Importance.LOW,
          "Alerts of one scope grouped into one message at most (6 blocks each stay within Slack's 50).")
      .define(DELIVERED_TOPIC, Type.STRING, "tokenledger.connect.slack.delivered", Importance.MEDIUM,
          "Compacted topic of the alert_ids already posted: read at start so a restart or rebalance never re-posts.")
      .define(DELIVERED_BOOTSTRAP, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
          "Kafka bootstrap servers for the delivered topic (usually the worker's).");

  public SlackSinkConfig(Map<?, ?> originals) {
    super(CONFIG_DEF, originals);
  }

  /** Team to webhook. Validated here so a typo fails at start, naming the team, never the URL. */
  public Map<String, URI> webhooks() {
    Map<String, URI> routes = new LinkedHashMap<>();
    String text = getPassword(WEBHOOKS).value();
    for (String entry : text.split("[,\\n]")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(WEBHOOKS, "[hidden]", "each entry must be 'team=url'; an entry without '=' was found");
      }
      String team = entry.substring(0, eq).strip();
      routes.put(team, uri(entry.substring(eq + 1).strip(), "the webhook of team '" + team + "'"));
    }
    return routes;
  }

  public URI defaultWebhook() {
    Password value = getPassword(DEFAULT_WEBHOOK);
    return value == null || value.value().isBlank() ? null : uri(value.value().strip(), DEFAULT_WEBHOOK);
  }

  private static URI uri(String text, String what) {
    try {
      URI uri = URI.create(text);
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
        throw new IllegalArgumentException("not http(s)");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(what + " is not an http(s) URL (value hidden)");
    }
  }
}
