package io.tokenledger.platform.topics;

import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.TopicSpec;

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
    awaitLeaders(admin, created);
    return created;
  }

  /**
   * Waits until the broker leads every partition of the topics just created. A new topic is in the
   * metadata a moment before its leader can append; an idempotent producer that writes in that
   * moment can have its first batch refused and a later one accepted, and then the first one is
   * refused as out of order until it expires, its records lost (KAFKA-15591). A ListOffsets request
   * is answered by the partition's leader only, so its answer says the partition takes writes.
   */
  static void awaitLeaders(Admin admin, Collection<String> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (topics.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (true) {
      try {
        java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> partitions =
            new java.util.HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .forEach((name, description) -> description.partitions().forEach(p -> partitions.put(
                new org.apache.kafka.common.TopicPartition(name, p.partition()),
                org.apache.kafka.clients.admin.OffsetSpec.latest())));
        admin.listOffsets(partitions).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  /**
   * Why a topic's real partition count breaks the declared one, or empty when they agree.
   * Services that work out partition ownership (cross-team windows, budgets per team, re-routing
   * to a team's partition) need the real count; the message says which setting to change.
   */
  public static java.util.Optional<String> partitionMismatch(Admin admin, Topic<?, ?> topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    int actual = admin.describeTopics(List.of(topic.name())).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .get(topic.name()).partitions().size();
    if (actual == topic.spec().partitions()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(String.format("The topic %s has %d partitions but the configuration declares %d. "
        + "Set tokenledger.topic.%s.partitions=%d in the configuration.", topic.name(), actual,
        topic.spec().partitions(), topic.logicalName(), actual));
  }

  /** An admin client from a service's settings: the Kafka client keys only (address, security, timeouts). */
  public static Admin admin(java.util.Map<String, ?> settings) {
    return Admin.create(ClientConfigs.admin(settings));
  }

  /**
   * What a service does before it starts: creates the missing topics and checks that the topics
   * it works out partition ownership from have their declared partition counts.
   *
   * @return the mismatch, when there is one: the service must not start
   */
  public static java.util.Optional<String> prepare(java.util.Map<String, ?> settings, Collection<Topic<?, ?>> topics,
      Topic<?, ?>... partitionsChecked) throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin = admin(settings)) {
      apply(admin, topics);
      for (Topic<?, ?> topic : partitionsChecked) {
        java.util.Optional<String> mismatch = partitionMismatch(admin, topic);
        if (mismatch.isPresent()) {
          return mismatch;
        }
      }
      return java.util.Optional.empty();
    }
  }
}
