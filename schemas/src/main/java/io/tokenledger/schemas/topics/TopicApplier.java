package io.tokenledger.schemas.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates declared topics that do not exist yet. Safe to run any number of times. */
public final class TopicApplier {
  private static final long TIMEOUT_SECONDS = 60;

  private TopicApplier() {}

  /** Returns the names of the topics it created (empty when all existed). */
  public static List<String> apply(Admin admin, Collection<Topic<?, ?>> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
    short replication = (short) Math.max(1, Math.min(TopicSpec.DESIRED_REPLICATION, brokers));
    Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    List<NewTopic> missing = new ArrayList<>();
    for (Topic<?, ?> topic : topics) {
      if (!existing.contains(topic.name())) {
        missing.add(new NewTopic(topic.name(), topic.spec().partitions(), replication)
            .configs(topic.spec().configs(replication)));
      }
    }
    List<String> created = new ArrayList<>();
    for (var entry : admin.createTopics(missing).values().entrySet()) {
      try {
        entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        created.add(entry.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) { // created concurrently: fine
          throw e;
        }
      }
    }
    return created;
  }
}
