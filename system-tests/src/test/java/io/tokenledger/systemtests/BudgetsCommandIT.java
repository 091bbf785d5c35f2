package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetDowngrade;
import io.tokenledger.schemas.BudgetEnforcement;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.BudgetUnreachable;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code tokenledger budgets set|list|delete} against a real broker, reading the budgets topic back. */
@ExtendWith(EmbeddedKafkaExtension.class)
class BudgetsCommandIT {

  @Test
  void setsListsAndDeletesBudgetsOnTheCompactedTopic(EmbeddedKafka kafka) throws Exception {
    String bootstrap = "--bootstrap-servers=" + kafka.bootstrapServers();
    assertEquals(0, Cli.run("budgets", "set", bootstrap, "--id", "support-monthly", "--team", "support",
        "--limit-usd", "2,500.50", "--timezone", "Europe/Berlin", "--thresholds", "80,50,100", "--hard"));
    assertEquals(0, Cli.run("budgets", "set", bootstrap, "--id", "search-4o-daily", "--team", "search",
        "--model", "gpt-4o-2024-08-06", "--limit-tokens", "5000000", "--period", "day"));
    assertEquals(0, Cli.run("budgets", "set", bootstrap, "--id", "triage-bot-daily", "--team", "support",
        "--agent", "triage-bot", "--limit-usd", "20", "--period", "day", "--hard", "--fail-closed",
        "--downgrade", "claude-opus-4-1=claude-sonnet-4-5@90"));

    Map<String, Budget> stored = CompactedTopics.readLatest(kafka.bootstrapServers(), Topics.defaults().budgets);
    Budget support = stored.get("support-monthly");
    assertEquals(2_500_500_000_000L, support.getLimitNanoUsd(), "USD 2,500.50 exactly, in nano-USD");
    assertEquals(List.of(50, 80, 100), support.getThresholdsPercent());
    assertEquals("Europe/Berlin", support.getTimezone());
    assertEquals(BudgetEnforcement.HARD, support.getEnforcement());
    Budget search = stored.get("search-4o-daily");
    assertEquals("gpt-4o", search.getModel(), "the model is normalised as usage is");
    assertEquals(5_000_000L, search.getLimitTokens());
    assertEquals(BudgetPeriod.DAY, search.getPeriod());

    Budget bot = stored.get("triage-bot-daily");
    assertEquals("triage-bot", bot.getAgentId());
    assertEquals(BudgetUnreachable.FAIL_CLOSED, bot.getWhenUnreachable());
    assertEquals(List.of(new BudgetDowngrade("claude-opus-4-1", "claude-sonnet-4-5", 90)), bot.getDowngrades());

    String listed = Cli.output("budgets", "list", bootstrap);
    assertTrue(listed.contains("triage-bot-daily: support / agent triage-bot, $20.00 per day (UTC), alerts at "
        + "[50, 80, 100]%, hard, claude-opus-4-1 -> claude-sonnet-4-5 from 90%, fails closed"), listed);
    assertTrue(listed.contains("support-monthly: support, $2,500.50 per month (Europe/Berlin)"), listed);
    assertTrue(listed.contains("search-4o-daily: search / model gpt-4o, 5,000,000 tokens per day"), listed);

    assertEquals(2, Cli.run("budgets", "set", bootstrap, "--id", "bad", "--team", "support", "--limit-usd", "10",
        "--timezone", "Mars/Olympus"), "an unknown time zone is refused");
    assertEquals(2, Cli.run("budgets", "set", bootstrap, "--id", "bad", "--team", "support"), "a budget needs a limit");
    assertEquals(2, Cli.run("budgets", "set", bootstrap, "--id", "bad", "--team", "support", "--limit-usd", "10",
        "--hard", "--downgrade", "gpt-4o=gpt-4o-mini"), "a downgrade without its share is refused");
    assertEquals(2, Cli.run("budgets", "set", bootstrap, "--id", "bad", "--team", "support", "--limit-usd", "0.0000000001"),
        "sub-nano precision is refused, not rounded");

    assertEquals(0, Cli.run("budgets", "delete", bootstrap, "support-monthly"));
    assertEquals(1, Cli.run("budgets", "delete", bootstrap, "support-monthly"), "deleting twice says there is none");
    Map<String, Budget> after = CompactedTopics.readLatest(kafka.bootstrapServers(), Topics.defaults().budgets);
    assertFalse(after.containsKey("support-monthly"));
    assertEquals(2, after.size());
  }
}
