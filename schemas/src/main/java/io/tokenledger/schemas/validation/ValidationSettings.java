package io.tokenledger.schemas.validation;

import io.tokenledger.schemas.config.ConfigDeclaration;
import java.time.Duration;
import java.util.Map;

/**
 * The limits a usage event is checked against, from {@code tokenledger.validation.*} keys. The
 * recorder, the gateway and the topology each read them from their configuration with this one
 * method, so an event one of them accepts is never refused by another configured alike.
 *
 * @param maxTokensPerBucket upper bound for one token bucket of one event; larger is treated as a bug
 * @param maxFutureSkew how far an event time may lie after the clock it is checked against
 */
public record ValidationSettings(long maxTokensPerBucket, Duration maxFutureSkew) {
  public static final String PREFIX = "tokenledger.validation.";

  /** The keys, read alike by the recorder, the gateway, the bridge, the aggregation and the economics. */
  public static final ConfigDeclaration CONFIG = new ConfigDeclaration("validation (recorder, gateway, services)")
      .whole(PREFIX + "max-tokens-per-bucket", UsageValidator.DEFAULT_MAX_TOKENS_PER_BUCKET, 1, Long.MAX_VALUE,
          "the largest count one token bucket of one event may hold; more is taken for a bug and refused")
      .duration(PREFIX + "max-future-skew", UsageValidator.DEFAULT_MAX_FUTURE_SKEW, Duration.ZERO,
          "how far an event time may lie after the clock it is checked against (the record's timestamp)");

  public ValidationSettings {
    if (maxTokensPerBucket <= 0) {
      throw new IllegalArgumentException(PREFIX + "max-tokens-per-bucket must be positive, was " + maxTokensPerBucket);
    }
    if (maxFutureSkew.isNegative()) {
      throw new IllegalArgumentException(PREFIX + "max-future-skew must not be negative, was " + maxFutureSkew);
    }
  }

  public static ValidationSettings defaults() {
    return from(Map.of());
  }

  public static ValidationSettings from(Map<String, ?> config) {
    return new ValidationSettings(
        CONFIG.whole(config, PREFIX + "max-tokens-per-bucket"),
        CONFIG.duration(config, PREFIX + "max-future-skew"));
  }

  public UsageValidator validator() {
    return new UsageValidator(this);
  }

  public OutcomeValidator outcomeValidator() {
    return new OutcomeValidator(this);
  }
}
