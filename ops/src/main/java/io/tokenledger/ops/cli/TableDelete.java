package io.tokenledger.ops.cli;

import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.util.function.Function;

/** The one way the table commands (budgets, baselines, prices) delete a key: a tombstone, or exit 1 saying where to look. */
public final class TableDelete {
  private TableDelete() {}

  /**
   * @param what names the record in messages, e.g. "price version"
   * @param listCommand the command that shows the keys, e.g. "tokenledger prices history"
   */
  public static int delete(KafkaOptions kafka, Function<Topics, Topic<String, ?>> table, String key, String what,
      String listCommand) throws Exception {
    if (!CompactedTopics.deleteIfPresent(kafka.settings(), table.apply(kafka.appliedTopics()), key)) {
      System.err.println("No " + what + " " + key + "; see '" + listCommand + "'.");
      return 1;
    }
    System.out.println("Deleted " + what + " " + key + ".");
    return 0;
  }
}
