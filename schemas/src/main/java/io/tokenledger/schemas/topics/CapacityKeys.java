package io.tokenledger.schemas.topics;

import io.tokenledger.schemas.CapacityPool;

/** The key of a capacity pool version: {@code [pool_id, effective_from]} as a JSON array. */
public final class CapacityKeys {
  private CapacityKeys() {}

  public static String of(CapacityPool pool) {
    return JsonArrayKeys.of(pool.getPoolId(), pool.getEffectiveFrom().toString());
  }
}
