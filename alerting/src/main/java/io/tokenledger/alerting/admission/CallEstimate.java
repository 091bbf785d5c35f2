package io.tokenledger.alerting.admission;

import io.tokenledger.pricing.PricedVersion;
import io.tokenledger.pricing.Rates;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.budgets.AdmissionEstimates;
import io.tokenledger.schemas.tokens.TokenKind;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A call's reservation at the catalog's prices in force: the prices a long prompt pays when the
 * model has a long-context tier, otherwise the standard ones. Unpriced (no price in force): its
 * cost is unknown and {@code nanoUsd} is 0.
 */
record CallEstimate(long nanoUsd, long tokens, BigDecimal inputUsdPerMtok, BigDecimal outputUsdPerMtok) {
  boolean priced() {
    return inputUsdPerMtok != null;
  }

  static CallEstimate of(PricedVersion price, long inputTokens, long maxOutputTokens) {
    long tokens = AdmissionEstimates.tokens(inputTokens, maxOutputTokens);
    if (price == null) {
      return new CallEstimate(0, tokens, null, null);
    }
    Rates rates = price.ratesFor(probe(inputTokens), null);
    BigDecimal input = rates.usdPerMillion(TokenKind.UNCACHED_INPUT);
    BigDecimal output = rates.usdPerMillion(TokenKind.OUTPUT).max(rates.usdPerMillion(TokenKind.REASONING));
    return new CallEstimate(AdmissionEstimates.nanoUsd(input, output, inputTokens, maxOutputTokens), tokens,
        input.stripTrailingZeros(), output.stripTrailingZeros());
  }

  /** A call of this prompt size, for the long-context rule: which prices it pays. */
  private static UsageEvent probe(long inputTokens) {
    return UsageEvent.newBuilder().setEventId("estimate").setEventTime(Instant.EPOCH).setTeam("-").setWorkflow("-")
        .setService("-").setProvider("-").setModel("-").setUncachedInputTokens(inputTokens).build();
  }
}
