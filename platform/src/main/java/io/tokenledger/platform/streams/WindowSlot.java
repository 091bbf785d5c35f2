package io.tokenledger.platform.streams;

/**
 * A window of a window store: its key and its start. A map key in per-event lookups, so its
 * {@code equals} and {@code hashCode} are written out: a record's generated ones run through
 * method handles, which the JIT did not inline there (7% of the stream thread in one profile).
 */
public record WindowSlot(String key, long start) {
  @Override
  public int hashCode() {
    return 31 * key.hashCode() + Long.hashCode(start);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WindowSlot slot && start == slot.start && key.equals(slot.key);
  }
}
