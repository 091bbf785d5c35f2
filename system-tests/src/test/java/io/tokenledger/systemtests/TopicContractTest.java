package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The topic contract in docs/topics-and-schemas.md against the registry: every topic the
 * services create is in the table, with its partitions, whether it is compacted, and who
 * produces and consumes it; and the table names no topic the services do not have.
 */
class TopicContractTest {
  private static final Path CONTRACT = Path.of("..", "docs", "topics-and-schemas.md");
  /** Topics that Kafka Connect creates and manages for the Slack sink, not the services. */
  private static final Pattern CONNECT_MANAGED = Pattern.compile("tokenledger\\.connect\\..*");
  private static final Pattern ROW = Pattern.compile("^\\| `(tokenledger\\.[^`]+)`((?: / `\\.[^`]+`)*)(?: \\(([^)]*)\\))? \\|"
      + "(.*)\\|(.*)\\|(.*)\\|(.*)\\|$");

  record Row(String partitions, String retention, String flow) {}

  /** The contract's rows by topic name, a row of variants (`.1m` / `.1h`) under each variant's name. */
  private static Map<String, Row> contract() throws Exception {
    Map<String, Row> table = new TreeMap<>();
    for (String line : Files.readAllLines(CONTRACT)) {
      Matcher m = ROW.matcher(line);
      if (!line.startsWith("| `tokenledger.")) {
        continue;
      }
      assertTrue(m.matches(), "a contract row the test cannot read: " + line);
      Row row = new Row(m.group(3), m.group(6).strip(), m.group(7).strip());
      table.put(m.group(1), row);
      String base = m.group(1).substring(0, m.group(1).lastIndexOf('.'));
      Matcher variant = Pattern.compile("`(\\.[^`]+)`").matcher(m.group(2));
      while (variant.find()) {
        table.put(base + variant.group(1), row);
      }
    }
    return table;
  }

  @Test
  void everyTopicIsInTheContractAsTheRegistryDeclaresIt() throws Exception {
    Topics topics = Topics.defaults();
    Map<String, Row> table = contract();
    Map<String, String> problems = new TreeMap<>();
    for (Topic<?, ?> topic : topics.all()) {
      Row row = table.get(topic.name());
      if (row == null) {
        problems.put(topic.name(), "missing from the contract");
        continue;
      }
      int partitions = topic.spec().partitions();
      String expected = partitions == 1 ? null : partitions == topics.usage.spec().partitions()
          && !row.partitions().matches("\\d+.*") ? "as usage" : Integer.toString(partitions);
      String stated = row.partitions() == null ? null : row.partitions().replace(" partitions", "");
      if (!java.util.Objects.equals(expected, stated)) {
        problems.put(topic.name(), "partitions: the registry has " + partitions + ", the contract says " + stated);
      }
      if (topic.spec().compacted() != row.retention().startsWith("compact")) {
        problems.put(topic.name(), "cleanup: the registry says " + (topic.spec().compacted() ? "compact" : "delete")
            + ", the contract '" + row.retention() + "'");
      }
      if (!row.flow().contains("→")) {
        problems.put(topic.name(), "no 'producer → consumers' in the contract: '" + row.flow() + "'");
      }
    }
    java.util.Set<String> registered = new java.util.HashSet<>();
    topics.all().forEach(t -> registered.add(t.name()));
    table.keySet().stream().filter(name -> !registered.contains(name) && !CONNECT_MANAGED.matcher(name).matches())
        .forEach(name -> problems.put(name, "in the contract but not in the registry (Topics)"));
    assertEquals(Map.of(), problems);
  }

  /**
   * Each service reads only topics the contract says it consumes and writes only topics it says
   * it produces: a service that starts reading another's private topic fails here.
   */
  @Test
  void everyServiceReadsAndWritesWhatTheContractSays() throws Exception {
    Topics topics = Topics.defaults();
    Map<String, String> flows = new TreeMap<>();
    contract().forEach((name, row) -> flows.put(name, row.flow()));
    Map<String, io.tokenledger.platform.service.StreamsService> services = new TreeMap<>(Map.of(
        "aggregation", io.tokenledger.aggregation.AggregationApp.SERVICE,
        "alerting", io.tokenledger.alerting.AlertingApp.SERVICE,
        "economics", io.tokenledger.economics.EconomicsApp.SERVICE,
        "otel-bridge", io.tokenledger.otelbridge.OtelBridgeApp.SERVICE,
        "reconciliation", io.tokenledger.reconciliation.service.ReconciliationApp.SERVICE));
    Pattern source = Pattern.compile("Source: \\S+ \\(topics: \\[([^\\]]*)\\]\\)");
    Pattern sink = Pattern.compile("Sink: \\S+ \\(topic: ([^)]+)\\)");
    Map<String, String> problems = new TreeMap<>();
    for (var service : services.entrySet()) {
      String described = service.getValue().topology(topics, Map.of()).describe().toString();
      String word = service.getKey();
      Matcher reads = source.matcher(described);
      while (reads.find()) {
        for (String topic : reads.group(1).split(", ")) {
          String flow = flows.get(topic);
          if (topic.startsWith("tokenledger.") && (flow == null || !flow.substring(flow.indexOf('→')).contains(word))) {
            problems.put(word + " reads " + topic, "the contract's consumers: " + flow);
          }
        }
      }
      Matcher writes = sink.matcher(described);
      while (writes.find()) {
        String topic = writes.group(1);
        String flow = flows.get(topic);
        if (flow == null || !flow.substring(0, Math.max(0, flow.indexOf('→'))).contains(word)) {
          problems.put(word + " writes " + topic, "the contract's producers: " + flow);
        }
      }
    }
    assertEquals(Map.of(), problems);
  }
}
