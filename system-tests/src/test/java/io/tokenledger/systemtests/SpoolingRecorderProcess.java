package io.tokenledger.systemtests;

import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.ingest.recorder.Receipt;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * A separate recording process for {@link BrokerOutageIT}: records events while Kafka is
 * down, says so once the spool holds all of them, then waits to be killed (SIGKILL, no close).
 * Arguments: bootstrap servers, spool directory, topic prefix, number of events.
 */
public final class SpoolingRecorderProcess {
  public static void main(String[] args) throws Exception {
    Topics topics = Topics.from(Map.of(Topics.PREFIX_CONFIG, args[2]));
    UsageRecorder recorder = UsageRecorder.builder(topics.usage)
        .producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0], ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000))
        .spoolDirectory(Path.of(args[1])).closeOnShutdown(false).closeTimeout(Duration.ofSeconds(1)).build();
    List<CompletableFuture<Receipt>> receipts = new ArrayList<>();
    for (int i = 0; i < Integer.parseInt(args[3]); i++) {
      receipts.add(recorder.record(UsageEvent.newBuilder().setEventId(EventIds.newId()).setEventTime(Instant.now())
          .setTeam("support").setWorkflow("triage").setService("support-bot").setProvider("openai")
          .setModel("gpt-4o").setUncachedInputTokens(1_000).build()));
    }
    int spooled = 0;
    for (CompletableFuture<Receipt> receipt : receipts) {
      if (receipt.get(60, TimeUnit.SECONDS).status() == Receipt.Status.SPOOLED) {
        spooled++;
      }
    }
    System.out.println("SPOOLED " + spooled);
    System.out.flush();
    new CountDownLatch(1).await(); // until killed
  }
}
