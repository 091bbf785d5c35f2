package io.tokenledger.schemas.topics;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A topic's name, key and value serdes and layout in one object: every producer, consumer
 * and Streams {@code Consumed}/{@code Produced} is derived from it, so they cannot disagree.
 */
public record Topic<K, V>(String logicalName, String name, Serde<K> keySerde, Serde<V> valueSerde, TopicSpec spec) {

  public Consumed<K, V> consumed(String processorName) {
    return Consumed.with(keySerde, valueSerde).withName(processorName);
  }

  public Produced<K, V> produced(String processorName) {
    return Produced.with(keySerde, valueSerde).withName(processorName);
  }

  @Override
  public String toString() {
    return name;
  }
}
