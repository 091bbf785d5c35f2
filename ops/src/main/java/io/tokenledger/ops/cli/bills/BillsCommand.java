package io.tokenledger.ops.cli.bills;

import picocli.CommandLine.Command;

/** The providers' bills: imported exports and the mapping of their identities to teams. */
@Command(name = "bills", mixinStandardHelpOptions = true,
    description = "Imports the providers' cost and usage exports and maps their keys, projects, workspaces, accounts "
        + "and models to tokenledger's teams and catalog, for reconcile.",
    subcommands = {ImportBills.class, MapBill.class, ListMappings.class})
public final class BillsCommand {
  private BillsCommand() {}
}
