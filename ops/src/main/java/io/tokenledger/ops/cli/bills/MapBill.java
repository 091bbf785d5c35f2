package io.tokenledger.ops.cli.bills;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.Times;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.reconciliation.mapping.BillMappingRules;
import io.tokenledger.schemas.BillIdentityKind;
import io.tokenledger.schemas.BillMapping;
import io.tokenledger.schemas.topics.BillKeys;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "map", mixinStandardHelpOptions = true,
    description = {"Says who a bill's identity is, from a date on (a new version; the history stays): a key, project,",
        "workspace or account to a team (and a workflow), or a model as billed to the catalog's model. A key's",
        "mapping wins over its project's. --unmap ends a mapping from the date.",
        "Examples: bills map --provider openai --project proj_abc --team support --effective-from 2026-11-01",
        "          bills map --provider aws.bedrock --model Claude3.5Sonnet --to claude-3-5-sonnet"})
final class MapBill implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--provider", required = true,
      description = "The provider as figures name it: openai, anthropic, aws.bedrock, gcp.vertex_ai, azure.ai.openai.")
  String provider;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Identity identity;

  static final class Identity {
    @Option(names = "--api-key", description = "The provider's API key id (key_..., apikey_...).")
    String apiKey;
    @Option(names = "--project", description = "An OpenAI project (proj_...).")
    String project;
    @Option(names = "--workspace", description = "An Anthropic workspace (wrkspc_...).")
    String workspace;
    @Option(names = "--account", description = "A cloud account (a FOCUS SubAccountId).")
    String account;
    @Option(names = "--model", description = "A model as the bill names it.")
    String model;
  }

  @Option(names = "--team", description = "The team the identity's usage is.")
  String team;

  @Option(names = "--workflow", description = "The workflow, when the identity is one workflow's.")
  String workflow;

  @Option(names = "--to", description = "For --model: the catalog's model it is.")
  String catalogModel;

  @Option(names = "--unmap", description = "Ends the identity's mapping from --effective-from.")
  boolean unmap;

  @Option(names = "--effective-from", defaultValue = "1970-01-01",
      description = "From when: a date (UTC midnight) or an ISO instant (default: always).")
  String effectiveFrom;

  @Option(names = "--set-by", description = "Who sets it (default: the user running the command).")
  String setBy;

  @Override
  public Integer call() throws Exception {
    BillMapping mapping;
    try {
      mapping = build();
    } catch (IllegalArgumentException e) {
      System.err.println("Nothing mapped: " + e.getMessage());
      return 2;
    }
    CompactedTopics.write(kafka.settings(), kafka.appliedTopics().billMappings, BillKeys.of(mapping), mapping);
    System.out.println("Mapped: " + BillMappingRules.describe(mapping));
    return 0;
  }

  BillMapping build() {
    BillIdentityKind kind;
    String id;
    if (identity.apiKey != null) {
      kind = BillIdentityKind.API_KEY;
      id = identity.apiKey;
    } else if (identity.project != null) {
      kind = BillIdentityKind.PROJECT;
      id = identity.project;
    } else if (identity.workspace != null) {
      kind = BillIdentityKind.WORKSPACE;
      id = identity.workspace;
    } else if (identity.account != null) {
      kind = BillIdentityKind.ACCOUNT;
      id = identity.account;
    } else {
      kind = BillIdentityKind.MODEL;
      id = identity.model;
    }
    if (!unmap && kind == BillIdentityKind.MODEL && catalogModel == null) {
      throw new IllegalArgumentException("--model needs --to, the catalog's model");
    }
    if (!unmap && kind != BillIdentityKind.MODEL && team == null) {
      throw new IllegalArgumentException("give --team (or --unmap)");
    }
    return BillMappingRules.checked(BillMapping.newBuilder().setProvider(provider).setKind(kind).setIdentity(id)
        .setTeam(unmap ? null : team).setWorkflow(unmap ? null : workflow).setModel(unmap ? null : catalogModel)
        .setEffectiveFrom(Times.instant(effectiveFrom, "--effective-from"))
        .setSetBy(setBy != null ? setBy : System.getProperty("user.name", "unknown")).setUpdatedAt(Instant.now())
        .build());
  }
}
