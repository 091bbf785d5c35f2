package io.tokenledger.ops.cli;

import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "topics", mixinStandardHelpOptions = true, description = "Manages tokenledger's topics.",
    subcommands = {TopicsCommand.Apply.class, TopicsCommand.ListTopics.class})
public final class TopicsCommand {

  @Command(name = "apply", mixinStandardHelpOptions = true,
      description = "Creates every declared topic that does not exist yet. Safe to run again.")
  static final class Apply implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> settings = kafka.settings();
      Topics topics = Topics.from(settings);
      List<String> created = kafka.applyTopics(topics);
      for (Topic<?, ?> topic : topics.all()) {
        System.out.printf("%-40s %s%n", topic.name(), created.contains(topic.name()) ? "created" : "exists");
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Prints the declared topics and their layout.")
  static final class ListTopics implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      for (Topic<?, ?> topic : Topics.from(kafka.settings()).all()) {
        System.out.printf("%-40s partitions=%d %s%n", topic.name(), topic.spec().partitions(),
            topic.spec().compacted() ? "compact" : "delete, retention " + topic.spec().retention());
      }
      return 0;
    }
  }
}
