package io.tokenledger.schemas.topics;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic's name, key and value serdes and layout in one object: every producer, consumer,
 * Streams source and sink is made from it, so they cannot disagree.
 */
public record Topic<K, V>(String logicalName, String name, Serde<K> keySerde, Serde<V> valueSerde, TopicSpec spec) {

  @Override
  public String toString() {
    return name;
  }
}
