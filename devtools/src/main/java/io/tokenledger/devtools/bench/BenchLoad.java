package io.tokenledger.devtools.bench;

import picocli.CommandLine.Option;

/** The load of {@code bench topology} and {@code bench latency}: partitions, the series events spread over, settings. */
final class BenchLoad {
  @Option(names = "--partitions", defaultValue = "6", description = "Usage topic partitions (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--teams", defaultValue = "50", description = "Distinct teams (default: ${DEFAULT-VALUE}).")
  int teams;

  @Option(names = "--workflows", defaultValue = "20", description = "Workflows per team (default: ${DEFAULT-VALUE}).")
  int workflows;

  @Option(names = "--models", defaultValue = "10",
      description = "Models (default: ${DEFAULT-VALUE}; 50 x 20 x 10 = 10,000 fine series).")
  int models;

  @Option(names = "--batch", defaultValue = "100", description = "Events of a team per usage record, a UsageBatch "
      + "(default: ${DEFAULT-VALUE}, what UsageRecorder sends a busy team at most; 1 = a record per event).")
  int batch;

  @Option(names = "--set", description = "Setting for the topology (Streams or tokenledger.aggregation.*), "
      + "e.g. --set commit.interval.ms=1000")
  java.util.List<String> streamsSettings = new java.util.ArrayList<>();

  String[] modelNames() {
    return java.util.stream.IntStream.range(0, models).mapToObj(i -> "bench-model-" + i).toArray(String[]::new);
  }

  @Override
  public String toString() {
    return String.format("%d teams x %d workflows x %d models = %,d series, %d partitions, %s", teams, workflows,
        models, (long) teams * workflows * models, partitions, batch == 1 ? "a record per event"
        : "up to " + batch + " events of a team per record");
  }
}
