package io.tokenledger.ops.config;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.ingest.gateway.GatewaySettings;
import io.tokenledger.ingest.otel.SpanMapping;
import io.tokenledger.otelbridge.OtelBridgeApp;
import io.tokenledger.platform.service.StreamsService;
import io.tokenledger.schemas.config.ConfigDeclaration;
import io.tokenledger.schemas.config.UnknownSettings;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.validation.ValidationSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every {@code tokenledger.*} key of every process the command runs, from the declarations the
 * services and the gateway make: what unknown keys are checked against, and what
 * docs/configuration.md is generated from.
 */
public final class ConfigReference {
  private ConfigReference() {}

  /** Each declaration once, with the processes that read it, in the order a reader meets them. */
  public static Map<ConfigDeclaration, List<String>> readers() {
    Map<ConfigDeclaration, List<String>> readers = new LinkedHashMap<>();
    Map<String, StreamsService> services = new LinkedHashMap<>();
    services.put("aggregation", AggregationApp.SERVICE);
    services.put("alerting", AlertingApp.SERVICE);
    services.put("economics", EconomicsApp.SERVICE);
    services.put("otel-bridge", OtelBridgeApp.SERVICE);
    services.put("reconciliation", io.tokenledger.reconciliation.service.ReconciliationApp.SERVICE);
    for (var service : services.entrySet()) {
      for (ConfigDeclaration declaration : service.getValue().configuration()) {
        readers.computeIfAbsent(declaration, d -> new ArrayList<>()).add(service.getKey());
      }
    }
    for (ConfigDeclaration declaration : List.of(Topics.configuration(), GatewaySettings.CONFIG, SpanMapping.CONFIG,
        ValidationSettings.CONFIG)) {
      readers.computeIfAbsent(declaration, d -> new ArrayList<>()).add("gateway");
    }
    readers.get(ValidationSettings.CONFIG).add("UsageRecorder");
    return readers;
  }

  public static List<ConfigDeclaration> all() {
    return List.copyOf(readers().keySet());
  }

  /** The warnings a configuration earns: one per {@code tokenledger.*} key nothing declares. */
  public static List<String> unknownKeys(Map<String, ?> settings) {
    return UnknownSettings.warnings(settings, all());
  }

  /** docs/configuration.md. */
  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Configuration reference\n\n")
        .append("Set tokenledger's own settings: every `tokenledger.*` key a process reads, with its type, default,\n")
        .append("range and meaning. Put them in the `--config` properties file, next to Kafka's client and Streams\n")
        .append("settings. A value out of range stops the process at start-up, naming the key; a `tokenledger.*` key\n")
        .append("that nothing below declares is a warning at start-up that names the nearest declared key.\n\n")
        .append("This page is generated from the declarations in the code (`ConfigReference.markdown()`); a test\n")
        .append("fails when the two differ (`-Dtokenledger.snapshots.update=true` rewrites it).\n");
    readers().forEach((declaration, readBy) -> {
      md.append("\n## ").append(declaration.owner()).append("\n\nRead by: ").append(String.join(", ", readBy))
          .append(".\n\n| key | type | default | range | what it does |\n| --- | --- | --- | --- | --- |\n");
      for (ConfigDeclaration.Key key : declaration.keys()) {
        md.append("| `").append(key.name()).append("` | ").append(key.type().written()).append(" | ")
            .append(key.defaultValue().isEmpty() ? "(none)" : "`" + key.defaultValue() + "`").append(" | ")
            .append(key.range().isEmpty() ? "" : key.range()).append(" | ").append(key.doc().replace("|", "\\|"))
            .append(" |\n");
      }
    });
    return md.toString();
  }
}
