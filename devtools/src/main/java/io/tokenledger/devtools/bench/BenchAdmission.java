package io.tokenledger.devtools.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.devtools.broker.DevBroker;
import io.tokenledger.ingest.admission.Admission;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetEnforcement;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench admission}: asking before calls, against a real dev broker with the aggregation
 * and alerting running in this JVM. Latency by the team's task and from a lease, side by side in
 * one run; then the overshoot of $5 HARD budgets under concurrent callers.
 */
@Command(name = "admission", mixinStandardHelpOptions = true,
    description = "Admission latency (team's task, lease) and the overshoot of a HARD budget under concurrency.")
final class BenchAdmission implements Callable<Integer> {
  private static final long USD = 1_000_000_000L;

  @Option(names = "--workers", defaultValue = "16", description = "Callers in the latency runs (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per latency run (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--callers", defaultValue = "64", description = "Callers against the $5 budgets (default: ${DEFAULT-VALUE}).")
  int callers;

  @Option(names = "--alerting-set", description = "A Streams setting of the alerting only, e.g. commit.interval.ms=25.")
  Map<String, String> alertingSettings = Map.of();

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("tokenledger-bench");
    try (DevBroker broker = BenchCommand.scratchBroker(dir)) {
      String bootstrap = broker.bootstrapServers();
      Topics topics = Topics.from(Map.of());
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicApplier.apply(admin, topics.all());
      }
      Map<String, Object> config = new HashMap<>();
      config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      config.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
      config.put("tokenledger.admission.call-hold", "60s");
      PriceVersion price = PriceVersion.newBuilder().setProvider("openai").setModel("gpt-4o")
          .setEffectiveFrom(Instant.parse("2025-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(2_500_000)
          .setCacheReadMicroUsdPerMtok(1_250_000).setCacheWriteMicroUsdPerMtok(2_500_000)
          .setOutputMicroUsdPerMtok(10_000_000).setReasoningMicroUsdPerMtok(10_000_000).build();
      CompactedTopics.write(config, topics.prices, PriceBook.catalogKey(price), price);
      for (String[] b : new String[][] {{"far", "1000000"}, {"growth", "5"}, {"labs", "5"}}) {
        Budget budget = Budget.newBuilder().setBudgetId(b[0] + "-hard").setTeam(b[0])
            .setLimitNanoUsd(Long.parseLong(b[1]) * USD).setPeriod(BudgetPeriod.MONTH)
            .setEnforcement(BudgetEnforcement.HARD).setUpdatedAt(Instant.now()).build();
        CompactedTopics.write(config, topics.budgets, budget.getBudgetId(), budget);
      }
      KafkaStreams aggregation = new KafkaStreams(AggregationApp.buildTopology(topics, AggregationSettings.from(config)),
          AggregationApp.config(config));
      Map<String, Object> alertingConfig = new HashMap<>(config);
      alertingConfig.putAll(alertingSettings);
      KafkaStreams alerting = new KafkaStreams(AlertingApp.buildTopology(topics, AlertingSettings.from(config)),
          AlertingApp.config(alertingConfig));
      java.util.Properties effective = AlertingApp.config(alertingConfig);
      Object commit = effective.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
      System.out.println("Alerting: commit.interval.ms=" + (commit == null ? "100 (exactly-once default)" : commit)
          + ", poll.ms=" + effective.get(StreamsConfig.POLL_MS_CONFIG));
      try (AutoCloseable a = () -> StreamsApps.close(aggregation, Duration.ofSeconds(30));
           AutoCloseable b = () -> StreamsApps.close(alerting, Duration.ofSeconds(30))) {
        aggregation.start();
        alerting.start();
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (alerting.state() != KafkaStreams.State.RUNNING || aggregation.state() != KafkaStreams.State.RUNNING) {
          if (System.nanoTime() > until) {
            throw new IllegalStateException("the aggregation and alerting did not start in 60 s");
          }
          Thread.sleep(100);
        }
        System.out.println("Machine: " + BenchCommand.machine());
        for (boolean leases : new boolean[] {false, true}) {
          try (UsageRecorder warmUp = recorder(config, topics, dir, new SimpleMeterRegistry(), leases)) {
            AdmissionLoad.ask(warmUp, "far", workers, Duration.ofSeconds(3));
          }
          SimpleMeterRegistry meters = new SimpleMeterRegistry();
          try (UsageRecorder recorder = recorder(config, topics, dir, meters, leases)) {
            AdmissionLoad.ask(recorder, "far", workers, Duration.ofSeconds(seconds));
            System.out.printf("%d callers, %s, %d s:%n", workers, leases ? "leases" : "no leases", seconds);
            for (Admission.Source source : Admission.Source.values()) {
              String line = AdmissionLoad.latency(meters, source);
              if (line != null) {
                System.out.println("  " + source.name().toLowerCase() + ": " + line);
              }
            }
          }
        }
        AdmissionLoad.Callers growth = new AdmissionLoad.Callers("growth", 10_000, 80);
        AdmissionLoad.Callers labs = new AdmissionLoad.Callers("labs", 9_000, 80);
        List<UsageRecorder> recorders = new ArrayList<>();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try {
          for (int i = 0; i < 4; i++) {
            recorders.add(recorder(config, topics, dir, meters, true));
          }
          AdmissionLoad.run(recorders, List.of(growth, labs), callers);
          List<String> markers = List.of(growth.marker(recorders.get(0)), labs.marker(recorders.get(1)));
          Map<String, Long> spend = AdmissionLoad.pricedSpend(config, topics, markers, Duration.ofMinutes(2));
          System.out.printf("%d callers on 4 recorders against HARD budgets of $5.00:%n", callers);
          for (AdmissionLoad.Callers team : List.of(growth, labs)) {
            String name = team == growth ? "growth" : "labs";
            long spent = spend.get(name);
            System.out.printf("  %s (%s): %d allowed, %d denied, spend %s, overshoot %s, bound %s%n", name,
                team == growth ? "estimates are upper bounds" : "input underestimated by 10%", team.allowed.get(),
                team.denied.get(), MoneyFormat.exact(spent), MoneyFormat.exact(Math.max(0, spent - 5 * USD)),
                MoneyFormat.exact(team.bound.get()));
          }
          System.out.println("  by the team's task: " + AdmissionLoad.latency(meters, Admission.Source.TEAM_TASK));
          System.out.println("  from a lease: " + AdmissionLoad.latency(meters, Admission.Source.LEASE));
        } finally {
          for (UsageRecorder recorder : recorders) {
            recorder.close();
          }
        }
      }
    }
    return 0;
  }

  private static UsageRecorder recorder(Map<String, Object> config, Topics topics, Path dir, SimpleMeterRegistry meters,
      boolean leases) throws java.io.IOException {
    return UsageRecorder.builder(topics.usage)
        .producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)))
        .spoolDirectory(Files.createTempDirectory(dir, "spool")).closeOnShutdown(false).meterRegistry(meters)
        .admission(topics).admissionTimeout(Duration.ofSeconds(10)).admissionLeases(leases).build();
  }
}
