package io.tokenledger.devtools.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/** Acknowledges every record at once and keeps nothing, so benchmarks time only the caller. */
final class DiscardingProducer<K, V> extends MockProducer<K, V> {
  private static final RecordMetadata ACK = new RecordMetadata(new TopicPartition("bench", 0), 0, 0, 0, 0, 0);

  @Override
  public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
    if (callback != null) {
      callback.onCompletion(ACK, null);
    }
    return CompletableFuture.completedFuture(ACK);
  }
}
