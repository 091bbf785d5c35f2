package io.tokenledger.ingest.recorder;

import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * How a recorded event was taken into safe keeping: acknowledged by Kafka ({@code SENT},
 * with its partition and offset), or written to the local spool because Kafka could not
 * take it ({@code SPOOLED}; it is replayed when Kafka is back, also after a restart).
 */
public record Receipt(Status status, int partition, long offset) {
  public enum Status { SENT, SPOOLED }

  static Receipt sent(RecordMetadata metadata) {
    return new Receipt(Status.SENT, metadata.partition(), metadata.offset());
  }

  static Receipt spooled() {
    return new Receipt(Status.SPOOLED, -1, -1);
  }
}
