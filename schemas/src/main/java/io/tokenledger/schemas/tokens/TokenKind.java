package io.tokenledger.schemas.tokens;

import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import java.util.function.ToLongFunction;

/**
 * The mutually exclusive token buckets a provider bills at prices of their own: every token of
 * an event is in exactly one. Declared once, so that pricing, totals, exports and pages take
 * every kind or none; the wire name is the buckets' field name without {@code _tokens}.
 */
public enum TokenKind {
  UNCACHED_INPUT("uncached_input", UsageEvent::getUncachedInputTokens, UsageAggregate::getUncachedInputTokens),
  CACHE_READ("cache_read", UsageEvent::getCacheReadTokens, UsageAggregate::getCacheReadTokens),
  /** Cache writes for the default 5 minutes. */
  CACHE_WRITE("cache_write", UsageEvent::getCacheWriteTokens, UsageAggregate::getCacheWriteTokens),
  CACHE_WRITE_1H("cache_write_1h", UsageEvent::getCacheWrite1hTokens, UsageAggregate::getCacheWrite1hTokens),
  OUTPUT("output", UsageEvent::getOutputTokens, UsageAggregate::getOutputTokens),
  REASONING("reasoning", UsageEvent::getReasoningTokens, UsageAggregate::getReasoningTokens),
  AUDIO_INPUT("audio_input", UsageEvent::getAudioInputTokens, UsageAggregate::getAudioInputTokens),
  AUDIO_OUTPUT("audio_output", UsageEvent::getAudioOutputTokens, UsageAggregate::getAudioOutputTokens);

  /** Every kind, in declaration order (indexes of price and token arrays). */
  public static final TokenKind[] ALL = values();

  private final String wireName;
  private final ToLongFunction<UsageEvent> ofEvent;
  private final ToLongFunction<UsageAggregate> ofAggregate;

  TokenKind(String wireName, ToLongFunction<UsageEvent> ofEvent, ToLongFunction<UsageAggregate> ofAggregate) {
    this.wireName = wireName;
    this.ofEvent = ofEvent;
    this.ofAggregate = ofAggregate;
  }

  /** As in field names and exports: {@code uncached_input}, {@code cache_write_1h}, ... */
  public String wireName() {
    return wireName;
  }

  public long of(UsageEvent event) {
    return ofEvent.applyAsLong(event);
  }

  public long of(UsageAggregate aggregate) {
    return ofAggregate.applyAsLong(aggregate);
  }

  /** Every bucket of an aggregate, indexed by ordinal. */
  public static long[] tokens(UsageAggregate aggregate) {
    long[] tokens = new long[ALL.length];
    for (TokenKind kind : ALL) {
      tokens[kind.ordinal()] = kind.of(aggregate);
    }
    return tokens;
  }

  /** Every bucket of an event, indexed by ordinal. */
  public static long[] tokens(UsageEvent event) {
    long[] tokens = new long[ALL.length];
    for (TokenKind kind : ALL) {
      tokens[kind.ordinal()] = kind.of(event);
    }
    return tokens;
  }
}
