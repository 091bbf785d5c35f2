package io.tokenledger.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The aggregation ({@link AggregationApp#SERVICE}) refuses to start on a usage topic whose partitions differ from the declared ones. */
@ExtendWith(EmbeddedKafkaExtension.class)
class RunPreconditionsIT {
  @Test
  void refusesToStartWhenTheUsageTopicHasOtherPartitionsThanDeclared(EmbeddedKafka kafka) throws Exception {
    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic("preconditions.usage", 3, (short) 1))).all().get();
    }
    try (LogCapture log = new LogCapture()) {
      int exit = io.tokenledger.platform.service.StreamsServices.run(AggregationApp.SERVICE, Map.of(Topics.PREFIX_CONFIG, "preconditions.",
          "tokenledger.topic.usage.partitions", "4", StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "preconditions").toString()));
      assertEquals(2, exit);
      assertTrue(log.lines().stream().anyMatch(l -> l.contains("Not starting the aggregation: The topic "
          + "preconditions.usage has 3 partitions but the configuration declares 4. Set "
          + "tokenledger.topic.usage.partitions=3")), log.lines().toString());
    }
  }

}
