package io.tokenledger.devtools.demo;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Work items the fleet started and decided (outcomes Kafka acknowledged), per workflow: what the
 * economics must hold once it has caught up, and where it has not.
 */
final class ItemCounts {
  private final Map<String, AtomicLong> started = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> decided = new ConcurrentHashMap<>();

  void started(String workflow, long items) {
    if (items > 0) {
      started.computeIfAbsent(workflow, w -> new AtomicLong()).addAndGet(items);
    }
  }

  void decided(String workflow) {
    decided.computeIfAbsent(workflow, w -> new AtomicLong()).incrementAndGet();
  }

  long started() {
    return started.values().stream().mapToLong(AtomicLong::get).sum();
  }

  long decided() {
    return decided.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Per workflow, sorted: {started, decided}. */
  Map<String, long[]> byWorkflow() {
    Map<String, long[]> out = new TreeMap<>();
    started.forEach((w, n) -> out.computeIfAbsent(w, k -> new long[2])[0] = n.get());
    decided.forEach((w, n) -> out.computeIfAbsent(w, k -> new long[2])[1] = n.get());
    return out;
  }
}
