package io.tokenledger.ops.cli;

import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.economics.report.EconomicsTable;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.calendar.CalendarPeriods;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Reports people read, from the published figures of a running pipeline. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Prints reports from a running pipeline.",
    subcommands = ReportCommand.Economics.class)
public final class ReportCommand {

  @Command(name = "economics", mixinStandardHelpOptions = true,
      description = "Agent or person: per workflow, units, success rate, AI and person cost per outcome, saving, "
          + "Token ROI, verdict and model advice, from the economics topic.")
  static final class Economics implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--period", defaultValue = "month", description = "day or month (default: ${DEFAULT-VALUE}).")
    String period;

    @Option(names = "--team", description = "Only this team's share of each workflow (default: every team).")
    String team;

    @Option(names = "--zone", defaultValue = "UTC",
        description = "The calendar's time zone: UTC or the economics' stated zone (default: ${DEFAULT-VALUE}).")
    String zone;

    @Option(names = "--at", description = "An instant in the period (default: now), e.g. 2026-12-02T12:00:00Z.")
    Instant at;

    @Override
    public Integer call() throws Exception {
      EconomicsPeriod kind = EconomicsPeriod.valueOf(period.toUpperCase(Locale.ROOT));
      ZoneId zoneId = ZoneId.of(zone);
      CalendarPeriods.Period bounds = CalendarPeriods.containing(
          kind == EconomicsPeriod.DAY ? BudgetPeriod.DAY : BudgetPeriod.MONTH, zoneId, at == null ? Instant.now() : at);
      List<WorkflowEconomics> rows = CompactedTopics.readLatest(kafka.settings(), kafka.appliedTopics().economics)
          .values().stream()
          .filter(e -> e.getPeriod() == kind && ZoneId.of(e.getZone()).normalized().equals(zoneId.normalized())
              && e.getFirstDay().equals(bounds.firstDay().toString())
              && (team == null ? e.getTeam() == null : team.equals(e.getTeam())))
          .sorted(Comparator.comparing(WorkflowEconomics::getWorkflow)).toList();
      String title = "Agent or person, " + kind.name().toLowerCase(Locale.ROOT) + " from " + bounds.firstDay() + " ("
          + zoneId.getId() + ")" + (team == null ? "" : ", team " + team);
      if (rows.isEmpty()) {
        System.out.println(title + ": no figures yet. Is 'tokenledger economics' running, and are outcomes recorded? "
            + "Zones other than UTC need " + EconomicsSettings.PREFIX + "zone.");
        return 0;
      }
      System.out.print(EconomicsTable.render(title, rows));
      return 0;
    }
  }
}
