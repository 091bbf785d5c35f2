package io.tokenledger.schemas.topics;

import io.tokenledger.schemas.FxRate;

/** The key of a reference rate: {@code [base, currency, date]} as a JSON array. */
public final class FxKeys {
  private FxKeys() {}

  public static String of(FxRate rate) {
    return JsonArrayKeys.of(rate.getBase(), rate.getCurrency(), rate.getDate().toString());
  }
}
