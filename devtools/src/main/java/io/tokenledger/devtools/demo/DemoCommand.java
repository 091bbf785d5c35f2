package io.tokenledger.devtools.demo;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.aggregation.query.QueryServer;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.SpendForecast;
import io.tokenledger.pricing.WhatIf;
import io.tokenledger.economics.report.EconomicsTable;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.devtools.broker.DevBroker;
import io.tokenledger.ops.cli.DurationConverter;
import io.tokenledger.ops.cli.LedgerReads;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.ops.cli.ReconcileCommand;
import io.tokenledger.ops.cli.bills.ImportBills;
import io.tokenledger.reconciliation.DifferenceClass;
import io.tokenledger.reconciliation.Finding;
import io.tokenledger.reconciliation.Reconciliation;
import io.tokenledger.reconciliation.ReconciliationTable;
import io.tokenledger.reconciliation.bills.BillLines;
import io.tokenledger.reconciliation.bills.ProviderExports;
import io.tokenledger.schemas.BillLine;
import io.tokenledger.schemas.BillMapping;
import io.tokenledger.schemas.topics.BillKeys;
import java.math.BigDecimal;
import io.tokenledger.devtools.stack.LocalStack;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.process.DirectoryLock;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.HumanBaseline;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.topics.BaselineKeys;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.money.MoneyFormat;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The whole pipeline in one process, on a real broker, with a simulated fleet of AI services and their outcomes. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Runs the whole pipeline: a dev broker (unless --bootstrap-servers), topics, a price catalog,",
        "budgets, human baselines, the aggregation topology, alerting, the economics, and simulated AI services",
        "recording usage and work outcomes. Prints spend per team and every alert as it is published, and at the",
        "end the agent-or-person table with model advice. Ctrl-C or SIGTERM stops it cleanly."})
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--duration", description = "Stop by itself after this long, e.g. 60s or 5m (default: run until stopped).",
      converter = DurationConverter.class)
  Duration duration;

  @Option(names = "--bootstrap-servers", description = "Use this Kafka cluster instead of starting a dev broker.")
  String bootstrapServers;

  @Option(names = "--rate", defaultValue = "32", description = "Usage events per second from the fleet at its "
      + "busiest hour, live and in the month of history (default: ${DEFAULT-VALUE}; the budgets are sized for it).")
  double rate;

  @Option(names = {"--data-dir", "--dir"}, defaultValue = ".tokenledger/demo",
      description = "Broker data and Streams state; wiped at start, held by this demo while it runs "
          + "(default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--dashboard-port", defaultValue = "8090",
      description = "The web dashboard's port (default: ${DEFAULT-VALUE}; another free one when it is taken).")
  int dashboardPort;

  /** The file whose lock says a demo runs on the directory; it holds that demo's pid. */
  static final String LOCK_FILE = "demo.lock";
  private static final Duration RUNAWAY_AFTER = Duration.ofSeconds(10);
  private static final Duration RUNAWAY_LENGTH = Duration.ofSeconds(90);
  private static final double RUNAWAY_EXTRA_PER_SECOND = 60;
  private static final Duration RUNAWAY_OVERTIME = Duration.ofMinutes(2);

  private final PrintStream out = System.out;
  private boolean connectRunning;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    Instant start = Instant.now();
    DirectoryLock lock;
    try {
      lock = DirectoryLock.acquire(dataDir, LOCK_FILE);
    } catch (DirectoryLock.HeldException e) {
      System.err.println("A demo is already running here (" + (e.holder().isEmpty() ? "another process"
          : "pid " + e.holder()) + ", in " + dataDir.toAbsolutePath() + "); stop it, or give this one its own "
          + "directory with --data-dir.");
      return 2;
    }
    try (lock) {
      return run(start, lock);
    }
  }

  private Integer run(Instant start, DirectoryLock lock) throws Exception {
    wipe(dataDir, lock.file());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopRequested.countDown();
      try {
        stopped.await(60, TimeUnit.SECONDS); // let the orderly shutdown below finish
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "demo-stop"));

    DevBroker broker = null;
    String bootstrap = bootstrapServers;
    Map<String, Object> config = new HashMap<>();
    try {
      if (bootstrap == null) {
        out.println("Starting a dev Kafka broker (KRaft) in " + dataDir.resolve("broker") + " ...");
        broker = DevBroker.start(dataDir.resolve("broker"), "127.0.0.1", Ports.free(), Ports.free());
        bootstrap = broker.bootstrapServers();
      } else {
        // Own topic names per run on a shared cluster, so earlier runs do not mix in.
        config.put(Topics.PREFIX_CONFIG, "tokenledger-demo-" + start.getEpochSecond() + ".");
      }
      config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      Topics topics = Topics.from(config);
      out.println("Kafka at " + bootstrap + "; applying topics ...");
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicApplier.apply(admin, topics.all());
      }
      List<Budget> budgets = DemoCatalog.budgets(start);
      seed(bootstrap, topics, DemoCatalog.prices(start), budgets, DemoCatalog.baselines(start));
      for (io.tokenledger.schemas.TokenPlan plan : DemoCatalog.plans(start)) {
        io.tokenledger.platform.topics.CompactedTopics.write(bootstrap, topics.plans,
            io.tokenledger.schemas.topics.PlanKeys.of(plan), plan);
      }
      for (io.tokenledger.schemas.CapacityPool pool : DemoCatalog.capacityPools(start)) {
        io.tokenledger.platform.topics.CompactedTopics.write(bootstrap, topics.capacityPools,
            io.tokenledger.schemas.topics.CapacityKeys.of(pool), pool);
      }
      for (io.tokenledger.schemas.Commitment commitment : DemoCatalog.commitments(start)) {
        io.tokenledger.platform.topics.CompactedTopics.write(bootstrap, topics.commitments,
            commitment.getCommitmentId().toString(), commitment);
      }
      out.println("Seeded " + DemoCatalog.prices(start).size() + " price versions (gpt-4o's price was cut on day "
          + DemoCatalog.PRICE_CUT_DAY + " of the month), " + budgets.size() + " budgets (a monthly one per team, "
          + "growth's HARD: its calls ask first; and a HARD daily cap of $26 for platform's agent "
          + DemoCatalog.LOOPING_AGENT + ") and " + DemoCatalog.baselines(start).size()
          + " human baselines (what a person costs per ticket, dispute, invoice and review).");

      // The query APIs need a read key: the demo makes a read-all (finance) key and shows it once.
      String financeKey = new ApiKeyAdmin(bootstrap, topics.apiKeys).create(null, ApiKeyScope.READ_ALL, "demo: finance")
          .token();
      Map<String, Object> services = new HashMap<>(config);
      services.put(AggregationSettings.PREFIX + "grace", "5s");
      // Minute windows kept for the whole month of history: their stores then roll over a few
      // segments while the month is caught up, not one every three and a half days.
      services.put(AggregationSettings.PREFIX + "window-retention", "31d");
      // Four Streams applications share this JVM and its one RocksDB memory budget: give them the
      // 256 MiB each would have in a JVM of its own (less stalls writes while the month is caught up).
      services.put(io.tokenledger.platform.streams.BoundedMemoryRocksDB.MEMORY_CONFIG, String.valueOf(4 * (256L << 20)));
      // Spend spikes below $15/h are noise to this company (one work item can cost more in a
      // minute than its quiet baseline); the runaway agent costs far more.
      services.put(AlertingSettings.PREFIX + "anomaly.cost-floor-nano-usd-per-minute", "250000000");
      try (LocalStack stack = new LocalStack(services, topics, dataDir.resolve("state"), dashboardPort(dashboardPort));
           ApiKeyDirectory readKeys = new ApiKeyDirectory(bootstrap, topics.apiKeys);
           Dashboard dashboard = new Dashboard(bootstrap, topics, budgets, DemoCatalog.LOOPING.team(), out);
           StandInSlack slack = new StandInSlack(out);
           AutoCloseable stopConnect = startConnect(bootstrap, config, slack)) {
        String queryEndpoint = stack.aggregationEndpoint();
        String economicsEndpoint = stack.economicsEndpoint();
        dashboard.start();
        io.tokenledger.pricing.PriceBook catalog = new io.tokenledger.pricing.PriceBook();
        DemoCatalog.prices(start).forEach(catalog::put);
        Fleet fleet = new Fleet(UsageRecorder.builder(topics.usage)
            .producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))
            .spoolDirectory(dataDir.resolve("spool")).outcomesTopic(topics.workOutcomes)
            .outcomeSpoolDirectory(dataDir.resolve("outcome-spool")).admission(topics).build(), rate,
            budgets.stream().filter(b -> b.getEnforcement() == io.tokenledger.schemas.BudgetEnforcement.HARD
                && b.getAgentId() == null && b.getUserId() == null).map(Budget::getTeam)
                .collect(java.util.stream.Collectors.toSet()), catalog);
        out.printf("Recording the last 30 days first (busy afternoons, quiet nights and weekends, growth, a price "
            + "cut on day %d, invoice extraction trying gpt-4o-mini from day 20), so that every page, forecast and "
            + "export has a month to show ...%n", DemoCatalog.PRICE_CUT_DAY);
        int records = fleet.backfill(start);
        out.printf("Recorded %,d usage records (a chat workload's calls of an hour, or of a minute for the last "
            + "12 hours, are one record; a work item's calls are one) and %,d work items with outcomes (%s since the start).%n", records,
            fleet.itemsStarted(), elapsed(start));
        importBills(bootstrap, topics, fleet, start);
        fleet.start();
        out.printf("Simulated fleet started: %d AI workloads across 4 teams, %.0f events/s.%n",
            DemoCatalog.WORKLOADS.size(), rate);
        DemoCatalog.Workload looping = DemoCatalog.LOOPING;
        fleet.runaway(looping, DemoCatalog.LOOPING_AGENT, RUNAWAY_EXTRA_PER_SECOND, RUNAWAY_AFTER, RUNAWAY_LENGTH);
        out.printf("In %d s, %s's %s agent %s gets stuck in a loop: %.0f more calls/s for %d s (an injected "
            + "runaway). It asks before each call: its HARD daily cap of $26 sends it to gpt-4o-mini from 95%% of it, "
            + "then stops it.%n", RUNAWAY_AFTER.toSeconds(), looping.team(), looping.workflow(),
            DemoCatalog.LOOPING_AGENT, RUNAWAY_EXTRA_PER_SECOND, RUNAWAY_LENGTH.toSeconds());
        injectGarbage(bootstrap, topics);
        readKeys.awaitLoaded(Duration.ofSeconds(30));
        out.printf("Ask the live figures over HTTP with the demo's read-all key (export TL_KEY=%s), e.g.:%n"
            + "  curl -H \"Authorization: Bearer $TL_KEY\" 'http://%s/v1/period-to-date?team=support&period=month&zone=Europe/Berlin'%n"
            + "  curl -H \"Authorization: Bearer $TL_KEY\" 'http://%s/v1/usage?scope=model&key=gpt-4o&window=1m'%n"
            + "  curl -H \"Authorization: Bearer $TL_KEY\" 'http://%s/v1/economics?workflow=ticket-triage&period=month'%n"
            + "  curl -H \"Authorization: Bearer $TL_KEY\" 'http://%s/v1/advice'%n"
            + "  curl -H \"Authorization: Bearer $TL_KEY\" 'http://%s/v1/plan'%n"
            + "  ./tokenledger report economics --bootstrap-servers %s%s%n"
            + "Or open the dashboard at %s and sign in with that key.%n", financeKey, queryEndpoint, queryEndpoint,
            economicsEndpoint, economicsEndpoint, economicsEndpoint, bootstrap, config.containsKey(Topics.PREFIX_CONFIG)
                ? " --config <a file with " + Topics.PREFIX_CONFIG + "=" + config.get(Topics.PREFIX_CONFIG) + ">" : "",
            stack.dashboardUrl());

        runUntilStopped(start, dashboard, fleet);
        fleet.close();
        boolean caughtUp = waitForCounts(dashboard, fleet.acknowledged(), Duration.ofSeconds(30));
        dashboard.printTable(String.format("Summary after %s:", elapsed(start)));
        out.printf("%nEvents acknowledged by Kafka: %,d; counted in aggregates: %,d%s. Calls or sends that failed: "
            + "%d.%n",
            fleet.acknowledged(), dashboard.countedEvents(), caughtUp ? " (all of them, each once)" : " (NOT all yet)",
            fleet.failed().count());
        if (fleet.failed().last() != null) {
          out.printf("  The last failure: %s%n", fleet.failed().last());
        }
        out.printf("Budget alerts: %d, forecasts: %d, anomalies: %d. Dead letters: %d (the demo wrote 3 garbage "
            + "records on purpose).%n", dashboard.alertCount(), dashboard.forecastCount(), dashboard.anomalyCount(),
            dashboard.deadLetterCount());
        boolean delivered = true;
        if (connectRunning) {
          delivered = waitForSlack(slack, Duration.ofSeconds(30));
          out.printf("Delivered to the stand-in Slack: %d alerts, of which %d forecasts and %d runaway-agent "
              + "anomalies (each alert once).%n", slack.deliveredTotal(), slack.delivered("/forecast"),
              slack.delivered("/REQUEST_RATE_SPIKE/"));
        }
        printAdmissions(fleet);
        printMonthToDate(queryEndpoint, financeKey);
        boolean economicsCaughtUp = printEconomics(bootstrap, topics, fleet, Duration.ofSeconds(120));
        printWhatIfAndForecast(bootstrap, topics);
        boolean reconciled = printReconciliation(bootstrap, topics);
        return caughtUp && dashboard.alertCount() > 0 && delivered && economicsCaughtUp && reconciled ? 0 : 1;
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
      stopped.countDown();
    }
  }

  /** What admission did: the runaway agent stopped (and downgraded first), and growth's calls asked. */
  private void printAdmissions(Fleet fleet) {
    Fleet.Runaway r = fleet.runawayAdmissions();
    out.printf("%nAdmission: the runaway %s asked for %,d calls: %,d allowed on o4-mini, %,d downgraded to "
        + "gpt-4o-mini (saving %s), %,d denied. It spent %s and was prevented from spending %s more.%n",
        DemoCatalog.LOOPING_AGENT, r.asked.get(), r.allowed.get(), r.downgraded.get(),
        MoneyFormat.usd(r.savedNanoUsd.get()), r.denied.get(), MoneyFormat.usd(r.spentNanoUsd.get()),
        MoneyFormat.usd(r.preventedNanoUsd.get()));
    out.printf("  Answered from its lease: %,d; by the team's task: %,d; with no answer in time (fail-open): %,d.%n",
        r.bySource.get(io.tokenledger.ingest.admission.Admission.Source.LEASE).get(),
        r.bySource.get(io.tokenledger.ingest.admission.Admission.Source.TEAM_TASK).get(),
        r.bySource.get(io.tokenledger.ingest.admission.Admission.Source.UNREACHABLE).get());
    if (r.startedAtMillis > 0 && r.lastCallAtMillis > r.startedAtMillis) {
      double seconds = (r.lastCallAtMillis - r.startedAtMillis) / 1000.0;
      boolean cut = seconds < RUNAWAY_LENGTH.toSeconds() - 2;
      long late = Math.max(0, r.startedAtMillis - r.dueAtMillis) / 1000;
      out.printf("  It called for %.0f s%s, %.0f calls a second%s.%n", seconds, cut ? " (the demo ended before its "
          + RUNAWAY_LENGTH.toSeconds() + " s)" : "", r.asked.get() / seconds,
          late > 0 ? ", from " + late + " s after it was due (it begins once admission answers)" : "");
    }
    if (r.deniedBecause != null) {
      out.println("  Last denial: " + r.deniedBecause);
    }
    if (r.failed.count() > 0) {
      out.printf("  Calls that failed to ask or record: %,d; the last: %s%n", r.failed.count(), r.failed.last());
    }
    long[] live = fleet.liveAdmissions();
    out.printf("growth's live calls (HARD monthly budget) asked first: %,d allowed, %,d denied.%n", live[0], live[1]);
  }

  /**
   * The providers' bills for the month of history's closed days, made from the calls the fleet
   * recorded with two differences planted ({@link DemoBills}), written beside the demo's data and
   * imported as 'tokenledger bills import' imports them; the keys and projects mapped to teams.
   */
  private void importBills(String bootstrap, Topics topics, Fleet fleet, Instant start) throws Exception {
    Map<String, Object> settings = Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    for (BillMapping m : DemoBills.mappings(start)) {
      CompactedTopics.write(settings, topics.billMappings,
          BillKeys.of(m), m);
    }
    PriceBook catalog = new PriceBook();
    DemoCatalog.prices(start).forEach(catalog::put);
    DemoBills.Files files = DemoBills.of(fleet.history(), catalog, start.atOffset(ZoneOffset.UTC).toLocalDate());
    Path dir = dataDir.resolve("bills");
    Files.createDirectories(dir);
    int lines = 0;
    for (String provider : List.of("openai", "anthropic")) {
      BillLines read = new io.tokenledger.reconciliation.bills.BillLines(
          provider + " exports", Instant.now());
      for (Map.Entry<String, String> file : files.byName().entrySet()) {
        if (file.getKey().startsWith(provider)) {
          Files.writeString(dir.resolve(file.getKey()), file.getValue());
          ProviderExports.read(provider, file.getKey(), file.getValue(), read);
        }
      }
      List<BillLine> built = read.build();
      ImportBills.write(settings, topics.bills, built);
      lines += built.size();
    }
    out.printf("Imported the providers' bills for the closed days (OpenAI's usage and costs pages, Anthropic's usage "
        + "and cost reports, made from the calls recorded, in %s): %,d bill lines. Two differences are planted: a "
        + "nightly evaluation job on Claude whose calls were never recorded (key %s), and gpt-4o-mini's output billed "
        + "at $0.66 per 1M where the catalog says $0.60. See the dashboard's Bills page, or tokenledger reconcile.%n",
        dir, lines, DemoBills.MISSING_KEY);
  }

  /**
   * The latest month the bills cover (what the Bills page opens on), reconciled as 'tokenledger
   * reconcile' does: true when both planted differences are found, classified, and nothing is
   * unexplained.
   */
  private boolean printReconciliation(String bootstrap, Topics topics) {
    Map<String, Object> settings = new HashMap<>(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    Map<YearMonth, Long> days = new java.util.TreeMap<>();
    CompactedTopics.readLatest(settings, topics.bills).values().stream()
        .map(l -> l.getDay()).distinct().forEach(d -> days.merge(YearMonth.parse(d.substring(0, 7)), 1L, Long::sum));
    if (days.isEmpty()) {
      out.println("No bills imported: nothing to reconcile.");
      return false;
    }
    YearMonth month = ((java.util.TreeMap<YearMonth, Long>) days).lastKey();
    Reconciliation.Report report = ReconcileCommand.report(
        settings, topics, month, null, Reconciliation.Settings.DEFAULT);
    Reconciliation.Summary s = report.summary();
    List<Finding> missing = report.findings().stream()
        .filter(f -> f.kind() == DifferenceClass.MISSING_ON_OUR_SIDE).toList();
    List<Finding> drift = report.findings().stream()
        .filter(f -> f.kind() == DifferenceClass.PRICE_DRIFT).toList();
    BigDecimal unexplained = s.amount(DifferenceClass.UNEXPLAINED);
    out.printf("%nThe ledger against the providers' bills, %s (OpenAI and Anthropic; UTC days the bills cover): "
        + "ledger %s, billed %s, difference %s.%n", month, MoneyFormat.usd(
        s.ourCostUsd()), MoneyFormat.usd(s.billedUsd()),
        MoneyFormat.usd(s.differenceUsd()));
    long missingDays = missing.stream().map(f -> f.cell().day()).distinct().count();
    out.printf("  tokens missing on our side: %s on %d day%s, %s%n",
        MoneyFormat.usd(s.amount(DifferenceClass.MISSING_ON_OUR_SIDE)), missingDays, missingDays == 1 ? "" : "s",
        missing.isEmpty() ? "" : "billed to " + String.join(", ", missing.get(0).identities()));
    out.printf("  price drift: %s, %s%n", MoneyFormat.usd(
        s.amount(DifferenceClass.PRICE_DRIFT)),
        drift.isEmpty() ? "" : drift.get(0).cell().provider() + "/" + drift.get(0).cell().model() + " "
            + drift.get(0).cell().type() + ": the bill's " + drift.get(0).impliedUsdPerMillion().toPlainString()
            + " USD per 1M, the catalog's " + drift.get(0).oursUsdPerMillion().toPlainString());
    out.printf("  unexplained: %s (%s of the bill). tokenledger reconcile --period %s --propose-corrections%n",
        MoneyFormat.usd(unexplained),
        ReconciliationTable.share(s), month);
    return !missing.isEmpty() && !drift.isEmpty() && unexplained.signum() == 0;
  }

  private static int dashboardPort(int wanted) {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(wanted, 1, java.net.InetAddress.getLoopbackAddress())) {
      return wanted;
    } catch (java.io.IOException taken) {
      return 0;
    }
  }

  private void runUntilStopped(Instant start, Dashboard dashboard, Fleet fleet) throws InterruptedException {
    Instant end = duration == null ? null : start.plus(duration);
    while (end == null || Instant.now().isBefore(end)) {
      long waitMillis = end == null ? 5_000
          : Math.min(5_000, Math.max(1, Duration.between(Instant.now(), end).toMillis()));
      if (stopRequested.await(waitMillis, TimeUnit.MILLISECONDS)) {
        out.println("Stopping ...");
        return;
      }
      dashboard.printTable(String.format("[%s] %,d events recorded, %,d counted, %d alerts", elapsed(start),
          fleet.acknowledged(), dashboard.countedEvents(), dashboard.alertCount()));
    }
    awaitRunawayAnomaly(dashboard, fleet);
  }

  /**
   * The injected runaway begins {@link #RUNAWAY_AFTER} into the live run, once admission answers,
   * and needs enough calls within one minute to stand out; a short run (the month's seeding takes part of
   * {@code --duration}) ends before that: the demo then runs on until its anomaly shows or the
   * runaway ends, at most {@link #RUNAWAY_OVERTIME} more.
   */
  private void awaitRunawayAnomaly(Dashboard dashboard, Fleet fleet) throws InterruptedException {
    if (dashboard.runawaySpikeCount() > 0 || fleet.runawayOver()) {
      return;
    }
    out.printf("The injected runaway's anomaly has not shown yet (%,d calls so far; it needs enough calls in one "
        + "minute to stand out): running on until it does or the runaway ends, at most %d s more.%n",
        fleet.runawayAdmissions().asked.get(), RUNAWAY_OVERTIME.toSeconds());
    Instant cap = Instant.now().plus(RUNAWAY_OVERTIME);
    while (dashboard.runawaySpikeCount() == 0 && !fleet.runawayOver() && Instant.now().isBefore(cap)) {
      if (stopRequested.await(500, TimeUnit.MILLISECONDS)) {
        out.println("Stopping ...");
        return;
      }
    }
  }

  /** The Slack sink as its own process, posting to the stand-in; nothing when run outside the launcher. */
  private AutoCloseable startConnect(String bootstrap, Map<String, Object> config, StandInSlack slack)
      throws java.io.IOException {
    Map<String, String> webhooks = new java.util.LinkedHashMap<>();
    for (String team : List.of("support", "finance-ops", "growth")) {
      webhooks.put(team, slack.webhook(team));
    }
    webhooks.put("*", slack.webhook("tokenledger-alerts"));
    Object prefix = config.get(Topics.PREFIX_CONFIG);
    ConnectWorkerProcess connect = ConnectWorkerProcess.start(bootstrap, prefix == null ? null : prefix.toString(),
        webhooks, dataDir.resolve("connect"), Ports.free());
    if (connect == null) {
      out.println("Not started from ./tokenledger: no Connect worker, alerts are not delivered to Slack.");
      return () -> { };
    }
    connectRunning = true;
    out.println("Started the Slack sink in a Connect worker (its own JVM); a local server stands in for Slack: "
        + "#support, #finance-ops, #growth and the default #tokenledger-alerts.");
    return connect;
  }

  /** Until a forecast and a runaway-agent anomaly have reached the stand-in Slack, or the bound. */
  private static boolean waitForSlack(StandInSlack slack, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!(slack.delivered("/forecast") > 0 && slack.delivered("/REQUEST_RATE_SPIKE/") > 0)
        && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return slack.delivered("/forecast") > 0 && slack.delivered("/REQUEST_RATE_SPIKE/") > 0;
  }

  private static boolean waitForCounts(Dashboard dashboard, long expected, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (dashboard.countedEvents() < expected && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(200); // the aggregates arrive with the next live emission
    }
    return dashboard.countedEvents() == expected;
  }

  /** One answer of the query API, as a user would ask it. */
  private void printMonthToDate(String endpoint, String readKey) {
    String url = "http://" + endpoint + "/v1/period-to-date?team=support&period=month&zone=UTC";
    try {
      var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(url)).header("Authorization", "Bearer " + readKey).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      out.printf("GET %s%n  -> %d %s%n", url, response.statusCode(), response.body());
    } catch (java.io.IOException e) {
      out.printf("GET %s failed: %s%n", url, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Once the economics has every item and outcome the fleet recorded, prints this month's table,
   * as 'tokenledger report economics' prints it from the same topic.
   */
  private boolean printEconomics(String bootstrap, Topics topics, Fleet fleet, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    Map<String, WorkflowEconomics> latest = Map.of();
    boolean caughtUp = false;
    long started = 0;
    long decided = 0;
    while (!caughtUp && System.nanoTime() < deadline) {
      latest = CompactedTopics.readLatest(bootstrap, topics.economics);
      List<WorkflowEconomics> months = latest.values().stream().filter(e -> e.getTeam() == null
          && e.getPeriod() == EconomicsPeriod.MONTH && e.getZone().equals(EconomicsSettings.UTC.getId())).toList();
      started = months.stream().mapToLong(WorkflowEconomics::getItemsStarted).sum();
      decided = months.stream().mapToLong(e -> e.getItemsStarted() - e.getItemsOpen()).sum();
      caughtUp = started == fleet.itemsStarted() && decided == fleet.outcomesAcknowledged();
      if (!caughtUp) {
        TimeUnit.MILLISECONDS.sleep(500); // the figures follow within the economics' next commit
      }
    }
    if (!caughtUp) {
      out.printf("The economics holds %,d of %,d work items and %,d of %,d decided.%n", started, fleet.itemsStarted(),
          decided, fleet.outcomesAcknowledged());
      printShortfall(latest, fleet.itemCounts());
    }
    String month = java.time.LocalDate.now(java.time.ZoneOffset.UTC).withDayOfMonth(1).toString();
    List<WorkflowEconomics> rows = latest.values().stream().filter(e -> e.getTeam() == null
        && e.getPeriod() == EconomicsPeriod.MONTH && e.getZone().equals(EconomicsSettings.UTC.getId())
        && e.getFirstDay().equals(month)).sorted(Comparator.comparing(WorkflowEconomics::getWorkflow)).toList();
    out.println();
    out.print(EconomicsTable.render("Agent or person, month from " + month + " (UTC), "
        + String.format("%,d work items, %,d outcomes", fleet.itemsStarted(), fleet.outcomesAcknowledged())
        + (caughtUp ? "" : " (the economics has NOT caught up with all of them)") + ":", rows));
    return caughtUp;
  }

  /** Per workflow, where the economics' items (all months, all teams) differ from the fleet's. */
  private void printShortfall(Map<String, WorkflowEconomics> latest, ItemCounts counts) {
    Map<String, long[]> held = new java.util.TreeMap<>();
    latest.values().stream().filter(e -> e.getTeam() == null && e.getPeriod() == EconomicsPeriod.MONTH
        && e.getZone().equals(EconomicsSettings.UTC.getId())).forEach(e -> {
          long[] h = held.computeIfAbsent(e.getWorkflow(), w -> new long[2]);
          h[0] += e.getItemsStarted();
          h[1] += e.getItemsStarted() - e.getItemsOpen();
        });
    counts.byWorkflow().forEach((workflow, fleetCounts) -> {
      long[] h = held.getOrDefault(workflow, new long[2]);
      if (h[0] != fleetCounts[0] || h[1] != fleetCounts[1]) {
        out.printf("  %s: %,d of %,d items, %,d of %,d decided%n", workflow, h[0], fleetCounts[0], h[1],
            fleetCounts[1]);
      }
    });
  }

  /**
   * One what-if (the economics' advice, priced: invoice extraction on gpt-4o-mini) and one
   * forecast line, from the same ledger and catalog as 'tokenledger whatif' and 'forecast'.
   */
  private void printWhatIfAndForecast(String bootstrap, Topics topics) {
    Map<String, Object> settings = Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    Map<String, UsageAggregate> buckets = LedgerReads.buckets(settings, topics, b -> true);
    PriceBook catalog = LedgerReads.catalog(settings, topics);
    YearMonth month = YearMonth.now(ZoneOffset.UTC);
    List<UsageAggregate> thisMonth = buckets.values().stream()
        .filter(b -> YearMonth.from(b.getWindowStart().atOffset(ZoneOffset.UTC)).equals(month)).toList();
    List<WhatIf.Row> rows = WhatIf.price(thisMonth, new WhatIf.Scenario(List.of(), List.of(),
        List.of(WhatIf.Move.parse("invoice-extraction:gpt-4o->gpt-4o-mini"))), catalog);
    long actual = rows.stream().filter(r -> !r.model().equals(r.scenarioModel())).mapToLong(WhatIf.Row::actualNanoUsd).sum();
    long scenario = rows.stream().filter(r -> !r.model().equals(r.scenarioModel()))
        .mapToLong(WhatIf.Row::scenarioNanoUsd).sum();
    out.printf("%nWhat if invoice-extraction's gpt-4o usage this month had run on gpt-4o-mini: %s instead of %s (%s); "
        + "tokenledger whatif --period %s --move 'invoice-extraction:gpt-4o->gpt-4o-mini'%n",
        MoneyFormat.usd(scenario), MoneyFormat.usd(actual), MoneyFormat.usd(scenario - actual), month);
    // The next 12 months from the month of history, as 'tokenledger forecast --months 12' prints them.
    List<SpendForecast.Month> next = SpendForecast.forecast(SpendForecast.daily(buckets.values()),
        java.time.LocalDate.now(ZoneOffset.UTC), 12, catalog, List.of());
    List<Budget> monthly = io.tokenledger.platform.topics.CompactedTopics.readLatest(settings, topics.budgets).values()
        .stream().filter(b -> b.getPeriod() == io.tokenledger.schemas.BudgetPeriod.MONTH).toList();
    out.println();
    out.print(io.tokenledger.ops.cli.ForecastCommand.renderCompany(next, monthly));
    out.println("Per team and with price assumptions: tokenledger forecast --months 12 --assume openai:-10%");
    printPlan(settings, topics, buckets.values(), catalog);
    printCapacity(settings, topics);
    printFocus(settings, topics, thisMonth, catalog, month);
  }

  /**
   * Build or buy for invoice extraction over the month of history's whole days, as 'tokenledger
   * capacity compare' prints it; the self-hosted pool's month to date and the OpenAI commitment's
   * month, as 'capacity report' and 'commitments show' do.
   */
  private void printCapacity(Map<String, Object> settings, Topics topics) {
    DemoCatalog.Trial slm = DemoCatalog.SLM_TRIAL;
    String candidate = slm.provider() + "/" + slm.model();
    out.printf("%nBuild or buy (tokenledger capacity compare --workflow %s --candidate %s --gpu-hour-usd %s "
        + "--tokens-per-second %d --last-days 30):%n", slm.workflow(), candidate, DemoCatalog.GPU_HOUR_USD,
        DemoCatalog.GPU_TOKENS_PER_SECOND);
    out.print(io.tokenledger.ops.cli.capacity.ComparePool.compare(settings, topics, slm.workflow(), null, candidate,
        io.tokenledger.ops.cli.capacity.ComparePool.Span.lastDays(java.time.LocalDate.now(ZoneOffset.UTC), 30), null,
        null, io.tokenledger.schemas.money.NanoUsd.fromUsd(DemoCatalog.GPU_HOUR_USD), DemoCatalog.GPU_TOKENS_PER_SECOND));
    YearMonth month = YearMonth.now(ZoneOffset.UTC);
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Map<String, UsageAggregate> ofMonth = LedgerReads.buckets(settings, topics,
        b -> YearMonth.from(b.getWindowStart().atOffset(ZoneOffset.UTC)).equals(month));
    out.printf("%nCapacity this month (tokenledger capacity report):%n");
    var outcomes = io.tokenledger.ops.cli.capacity.PoolReport.outcomes(settings, topics, month);
    for (var pool : io.tokenledger.ops.cli.capacity.CapacityCommand.pools(settings, topics).values()) {
      out.print(io.tokenledger.ops.cli.capacity.PoolReport.render(io.tokenledger.pricing.capacity.PoolMonth.of(pool,
          month, io.tokenledger.pricing.capacity.PoolMonth.Usage.of(pool, month, ofMonth.values()), now), outcomes));
    }
    Map<String, Map<YearMonth, Long>> listByProvider = io.tokenledger.pricing.capacity.CommitmentDrawdown
        .listByProvider(LedgerReads.buckets(settings, topics, b -> b.getProvider() != null).values());
    out.printf("Commitments (tokenledger commitments show):%n");
    for (io.tokenledger.schemas.Commitment c : io.tokenledger.platform.topics.CompactedTopics.readLatest(settings,
        topics.commitments).values()) {
      out.print(io.tokenledger.ops.cli.capacity.CommitmentsCommand.render(c, io.tokenledger.pricing.capacity
          .CommitmentDrawdown.months(c, listByProvider.getOrDefault(c.getProvider().toString(), Map.of()), month), now));
    }
  }

  /** The quarter's token plan against actuals and the forecast, and the economics' advice on it. */
  private void printPlan(Map<String, Object> settings, Topics topics, java.util.Collection<UsageAggregate> buckets,
      PriceBook catalog) {
    java.time.LocalDate today = java.time.LocalDate.now(ZoneOffset.UTC);
    io.tokenledger.pricing.plan.Quarter quarter = io.tokenledger.pricing.plan.Quarter.of(today);
    List<io.tokenledger.pricing.plan.PlanOutlook.Line> lines = io.tokenledger.pricing.plan.PlanOutlook.of(quarter,
        today, io.tokenledger.platform.topics.CompactedTopics.readLatest(settings, topics.plans).values(), buckets,
        catalog, List.of());
    out.printf("%nThe token plan for %s, as of today (tokenledger plan show):%n", quarter);
    lines.forEach(line -> out.println("  " + io.tokenledger.ops.cli.plan.ShowPlan.sentence(line)));
    out.println("Advice on it (tokenledger plan advise):");
    io.tokenledger.economics.plan.PlanAdvice.of(lines, io.tokenledger.economics.plan.PlanAdvice.latestMonths(
        io.tokenledger.platform.topics.CompactedTopics.readLatest(settings, topics.economics).values(), today))
        .forEach(a -> out.println("  [" + a.kind() + "] " + a.text()));
  }

  /**
   * The month as FOCUS rows, checked against the FinOps validator's rules for FOCUS 1.2 when its
   * rule file is beside the checkout (shared/data/focus/model-1.2.json, as these machines have it).
   */
  private void printFocus(Map<String, Object> settings, Topics topics, List<UsageAggregate> thisMonth,
      PriceBook catalog, YearMonth month) {
    java.time.Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    java.time.Instant to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    List<io.tokenledger.focus.FocusExport.Row> usage = io.tokenledger.focus.FocusExport.rows(thisMonth, List.of(),
        catalog, from, to, "demo");
    long total = usage.stream().mapToLong(io.tokenledger.focus.FocusExport.Row::costNanoUsd).sum();
    // With the month's committed spend in it, as 'tokenledger export focus' writes it.
    List<io.tokenledger.schemas.Commitment> commitments = List.copyOf(io.tokenledger.platform.topics.CompactedTopics
        .readLatest(settings, topics.commitments).values());
    io.tokenledger.focus.FocusFile file = io.tokenledger.focus.FocusFile.of(usage, commitments,
        io.tokenledger.pricing.capacity.CommitmentDrawdown.listByProvider(LedgerReads.buckets(settings, topics,
            b -> b.getProvider() != null && b.getWindowStart().isBefore(from)).values()), month,
        java.time.Instant.now(), "demo", null, null);
    java.nio.file.Path rules = null;
    for (java.nio.file.Path dir = java.nio.file.Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      java.nio.file.Path candidate = dir.resolve("shared/data/focus/model-1.2.json");
      if (java.nio.file.Files.exists(candidate)) {
        rules = candidate;
        break;
      }
    }
    String verdict;
    if (rules == null) {
      verdict = "the FinOps validator's rule file is not beside the checkout, so its rules were not checked";
    } else {
      try {
        var report = io.tokenledger.focus.rules.FocusRules.load(rules).check(file.columns(), file.cells(),
            file.claimed());
        verdict = report.checked().size() + " MUST rules of the FinOps validator's FOCUS 1.2 model checked, "
            + (report.failures().isEmpty() ? "none broken" : report.failures().size() + " broken: "
            + report.failures().stream().map(io.tokenledger.focus.rules.FocusRules.Failure::rule).toList());
      } catch (java.io.IOException e) {
        verdict = "the rule file " + rules + " could not be read (" + e.getMessage() + ")";
      }
    }
    long ledger = thisMonth.stream().mapToLong(UsageAggregate::getCostNanoUsd).sum();
    out.printf("FOCUS for %s: %,d rows (the OpenAI commitment's purchase and the usage it covers among them), %s, %s; "
        + "%s; tokenledger export focus --period %s --rules shared/data/focus/model-1.2.json%n", month,
        file.rows().size(), MoneyFormat.usd(total), total == ledger ? "equal to the ledger"
            : "but the ledger says " + MoneyFormat.exact(ledger), verdict, month);
  }

  private static void seed(String bootstrap, Topics topics, List<PriceVersion> prices, List<Budget> budgets,
      List<HumanBaseline> baselines) throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all");
    // Every seeded record is waited for: a price, budget or baseline lost here would make the
    // month's figures wrong without a word.
    List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
    try (var priceProducer = new KafkaProducer<>(config, topics.prices.keySerde().serializer(),
        topics.prices.valueSerde().serializer());
         var budgetProducer = new KafkaProducer<>(config, topics.budgets.keySerde().serializer(),
             topics.budgets.valueSerde().serializer());
         var baselineProducer = new KafkaProducer<>(config, topics.humanBaselines.keySerde().serializer(),
             topics.humanBaselines.valueSerde().serializer())) {
      for (PriceVersion price : prices) {
        sent.add(priceProducer.send(new ProducerRecord<>(topics.prices.name(), catalogKey(price), price)));
      }
      for (Budget budget : budgets) {
        sent.add(budgetProducer.send(new ProducerRecord<>(topics.budgets.name(), budget.getBudgetId(), budget)));
      }
      for (HumanBaseline baseline : baselines) {
        sent.add(baselineProducer.send(new ProducerRecord<>(topics.humanBaselines.name(), BaselineKeys.of(baseline),
            baseline)));
      }
      for (java.util.concurrent.Future<?> record : sent) {
        record.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }

  private static String catalogKey(PriceVersion price) {
    return io.tokenledger.pricing.PriceBook.catalogKey(price);
  }

  /** Three records no AI service should ever send, to show they are dead-lettered, not fatal. */
  private static void injectGarbage(String bootstrap, Topics topics) {
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      byte[] team = "support".getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(topics.usage.name(), team, "{\"tokens\": 12}".getBytes(StandardCharsets.UTF_8)));
      producer.send(new ProducerRecord<>(topics.usage.name(), team, new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
      producer.send(new ProducerRecord<>(topics.usage.name(), team, new byte[0]));
    }
  }

  private static String elapsed(Instant start) {
    Duration d = Duration.between(start, Instant.now());
    return String.format("%02d:%02d", d.toMinutes(), d.toSecondsPart());
  }

  /** Empties {@code dir} (which this demo holds) but for its lock file. */
  private static void wipe(Path dir, Path keep) throws java.io.IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir) && !p.equals(keep)) {
          Files.delete(p);
        }
      }
    }
  }
}
