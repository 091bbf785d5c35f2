package io.tokenledger.schemas.validation;

import io.tokenledger.schemas.tokens.TokenKind;

import io.tokenledger.schemas.UsageEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The rules a usage event must meet to be accounted for. The producer library and the gateway
 * apply them before sending (the caller gets an exception or a 400), the topology applies them
 * again (anything else is dead-lettered), all with limits read by {@link ValidationSettings#from},
 * so they agree by construction.
 */
public final class UsageValidator {
  /** Default upper bound for one token bucket of one event; larger is treated as a bug. */
  public static final long DEFAULT_MAX_TOKENS_PER_BUCKET = 100_000_000L;
  public static final int MAX_ID_LENGTH = 128;
  public static final int MAX_NAME_LENGTH = 200;
  public static final int MAX_REQUESTS_PER_EVENT = 1_000_000;
  /** How far an event time may lie ahead of the clock it is checked against (clock skew). */
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

  private final long maxTokensPerBucket;
  private final long maxFutureSkewMillis;

  /** Limits come from {@link ValidationSettings#from}, the one way every component reads them. */
  public UsageValidator(ValidationSettings settings) {
    this.maxTokensPerBucket = settings.maxTokensPerBucket();
    this.maxFutureSkewMillis = settings.maxFutureSkew().toMillis();
  }

  public static UsageValidator withDefaults() {
    return ValidationSettings.defaults().validator();
  }

  /**
   * All rules, with the event time checked against a reference clock: the caller's clock in
   * the recorder and gateway, the record's produce time in the topology. A future event time
   * would make every other event look late, so it is refused.
   */
  public List<Violation> validate(UsageEvent event, long referenceMillis) {
    List<Violation> violations = validate(event);
    FieldRules.futureSkew(violations, event.getEventTime(), referenceMillis, maxFutureSkewMillis);
    return violations;
  }

  /** Each bucket's field name, made once: the rules run for every event. */
  private static final String[] TOKEN_FIELDS = java.util.Arrays.stream(TokenKind.ALL)
      .map(kind -> kind.wireName() + "_tokens").toArray(String[]::new);

  /** All rules that do not depend on a clock. */
  public List<Violation> validate(UsageEvent event) {
    List<Violation> violations = new ArrayList<>();
    FieldRules.name(violations, "event_id", event.getEventId(), MAX_ID_LENGTH);
    FieldRules.name(violations, "team", event.getTeam(), MAX_NAME_LENGTH);
    FieldRules.name(violations, "workflow", event.getWorkflow(), MAX_NAME_LENGTH);
    FieldRules.noSeparator(violations, "team", event.getTeam());
    FieldRules.noSeparator(violations, "workflow", event.getWorkflow());
    FieldRules.name(violations, "service", event.getService(), MAX_NAME_LENGTH);
    FieldRules.name(violations, "provider", event.getProvider(), MAX_NAME_LENGTH);
    FieldRules.providerName(violations, "provider", event.getProvider());
    FieldRules.name(violations, "model", event.getModel(), MAX_NAME_LENGTH);
    FieldRules.optionalName(violations, "user_id", event.getUserId(), MAX_ID_LENGTH);
    FieldRules.optionalName(violations, "agent_id", event.getAgentId(), MAX_ID_LENGTH);
    FieldRules.optionalName(violations, "work_item_id", event.getWorkItemId(), MAX_ID_LENGTH);
    FieldRules.optionalName(violations, "outcome_unit", event.getOutcomeUnit(), MAX_NAME_LENGTH);
    FieldRules.optionalName(violations, "variant", event.getVariant(), MAX_NAME_LENGTH);
    if (event.getEventTime() == null || event.getEventTime().toEpochMilli() <= 0) {
      violations.add(new Violation("event_time", "must be a positive epoch-millisecond UTC time"));
    }
    for (TokenKind kind : TokenKind.ALL) {
      tokens(violations, TOKEN_FIELDS[kind.ordinal()], kind.of(event));
    }
    String tier = event.getServiceTier();
    if (tier != null && !SERVICE_TIER.matcher(tier).matches()) {
      violations.add(new Violation("service_tier", "must be a lower-case tier name such as batch, flex or priority "
          + "(letters, digits, '_' and '-', at most 32), or null for the standard tier; was '" + tier + "'"));
    }
    int requests = event.getRequestCount();
    if (requests < 1 || requests > MAX_REQUESTS_PER_EVENT) {
      violations.add(new Violation("request_count",
          "must be between 1 and " + MAX_REQUESTS_PER_EVENT + ", was " + requests));
    }
    Long units = event.getOutcomeUnits();
    if (units != null && units < 0) {
      violations.add(new Violation("outcome_units", "must not be negative, was " + units));
    }
    return violations;
  }

  /** A tier names a price list: the characters of a name, never a key separator. */
  private static final java.util.regex.Pattern SERVICE_TIER = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

  /** All violations in one line, e.g. for an exception or a dead-letter reason. */
  public static String describe(List<Violation> violations) {
    return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }

  /** The violations described, or null when there are none (what an intake gate takes). */
  public static String describeOrNull(List<Violation> violations) {
    return violations.isEmpty() ? null : describe(violations);
  }

  private void tokens(List<Violation> out, String field, long value) {
    if (value < 0) {
      out.add(new Violation(field, "must not be negative, was " + value));
    } else if (value > maxTokensPerBucket) {
      out.add(new Violation(field, "is " + value + ", above the limit of " + maxTokensPerBucket
          + " tokens per event (raise " + ValidationSettings.PREFIX + "max-tokens-per-bucket if real)"));
    }
  }
}
