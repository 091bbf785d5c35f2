package io.tokenledger.ops;

import io.tokenledger.ops.cli.ExportCommand;
import io.tokenledger.ops.cli.ForecastCommand;
import io.tokenledger.ops.cli.GatewayCommand;
import io.tokenledger.ops.cli.baselines.BaselinesCommand;
import io.tokenledger.ops.cli.budgets.BudgetsCommand;
import io.tokenledger.ops.cli.ConnectCommand;
import io.tokenledger.ops.cli.keys.KeysCommand;
import io.tokenledger.ops.cli.prices.PricesCommand;
import io.tokenledger.ops.cli.ReportCommand;
import io.tokenledger.ops.cli.AggregationCommand;
import io.tokenledger.ops.cli.AlertingCommand;
import io.tokenledger.ops.cli.EconomicsCommand;
import io.tokenledger.ops.cli.OtelBridgeCommand;
import io.tokenledger.ops.cli.TopicsCommand;
import io.tokenledger.ops.cli.DashboardCommand;
import io.tokenledger.ops.cli.WhatIfCommand;
import io.tokenledger.platform.process.ParentWatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "tokenledger", mixinStandardHelpOptions = true, version = "tokenledger 0.1.0",
    description = "Real-time token accounting for companies that run AI at scale.",
    subcommands = {TopicsCommand.class, AggregationCommand.class, AlertingCommand.class, EconomicsCommand.class,
        OtelBridgeCommand.class, GatewayCommand.class, DashboardCommand.class,
        ConnectCommand.class, KeysCommand.class, BudgetsCommand.class, io.tokenledger.ops.cli.plan.PlanCommand.class, BaselinesCommand.class, PricesCommand.class,
        WhatIfCommand.class, ForecastCommand.class, ExportCommand.class, ReportCommand.class,
        io.tokenledger.ops.cli.bills.BillsCommand.class, io.tokenledger.ops.cli.ReconcileCommand.class,
        io.tokenledger.ops.cli.ReconciliationCommand.class, io.tokenledger.ops.cli.capacity.CapacityCommand.class,
        io.tokenledger.ops.cli.capacity.CommitmentsCommand.class, io.tokenledger.ops.cli.capacity.FxCommand.class})
public final class Main {
  public static void main(String[] args) {
    prepareProcess();
    System.exit(new CommandLine(new Main()).execute(args));
  }

  /** What every tokenledger process sets before its command runs. */
  public static void prepareProcess() {
    // Avro only instantiates classes from trusted packages; the launcher sets this too.
    System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES",
        System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.tokenledger"));
    ParentWatch.exitWithParent(); // a child JVM (of a benchmark, say) ends with its parent
  }
}
