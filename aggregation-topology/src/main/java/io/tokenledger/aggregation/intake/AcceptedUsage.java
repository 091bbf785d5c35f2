package io.tokenledger.aggregation.intake;

import io.tokenledger.schemas.UsageEvent;

/**
 * A usage event the intake accepted, with the bytes it came in: the priced usage topic reuses
 * them instead of encoding the event again. Travels between processors of one task, never
 * serialized as such.
 */
public record AcceptedUsage(UsageEvent event, byte[] encoded) {}
