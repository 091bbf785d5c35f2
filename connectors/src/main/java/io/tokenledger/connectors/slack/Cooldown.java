package io.tokenledger.connectors.slack;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a flapping series from flooding a channel: an anomaly raised again for the same
 * (series, kind) within the cooldown of the last posted one is held back, and so is its
 * resolution, so every raise a channel saw still gets its resolution. Held-back alerts are
 * counted and mentioned in the next message for the series. In memory: a restart forgets it,
 * at worst one more message.
 */
final class Cooldown {
  private final long cooldownMillis;
  private final Map<String, Long> lastPosted = new HashMap<>();
  /** Raises chosen for posting in the batch at hand, not yet accepted by Slack. */
  private final Map<String, Long> pending = new HashMap<>();
  private final Set<String> heldBackAnomalies = new HashSet<>();
  private final Map<String, Integer> heldBackByGroup = new HashMap<>();

  Cooldown(long cooldownMillis) {
    this.cooldownMillis = cooldownMillis;
  }

  boolean holdBack(SlackAlert alert, long now) {
    if (alert.cooldownKey() == null) {
      return false;
    }
    boolean hold;
    if (alert.resolution()) {
      hold = heldBackAnomalies.remove(alert.pairId());
    } else {
      Long last = pending.getOrDefault(alert.cooldownKey(), lastPosted.get(alert.cooldownKey()));
      hold = last != null && now - last < cooldownMillis;
      if (hold) {
        heldBackAnomalies.add(alert.pairId());
      } else {
        pending.put(alert.cooldownKey(), now);
      }
    }
    if (hold) {
      heldBackByGroup.merge(alert.groupKey(), 1, Integer::sum);
    }
    return hold;
  }

  /** A new batch: raises chosen in a batch that failed were never posted. */
  void newBatch() {
    pending.clear();
  }

  void posted(SlackAlert alert, long now) {
    if (alert.cooldownKey() != null && !alert.resolution()) {
      pending.remove(alert.cooldownKey());
      lastPosted.put(alert.cooldownKey(), now);
    }
  }

  int heldBack(String groupKey) {
    return heldBackByGroup.getOrDefault(groupKey, 0);
  }

  void mentioned(String groupKey) {
    heldBackByGroup.remove(groupKey);
  }
}
