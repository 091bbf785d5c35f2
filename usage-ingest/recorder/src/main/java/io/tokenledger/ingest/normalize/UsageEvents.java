package io.tokenledger.ingest.normalize;

import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.schemas.UsageEvent;
import java.time.Instant;

/** Builds a usage event from a normalised provider call and who made it. */
public final class UsageEvents {
  private UsageEvents() {}

  /** A new event (fresh UUIDv7 id, now as event time); keep and reuse its id on every retry. */
  public static UsageEvent.Builder from(ProviderCall call, String team, String workflow, String service) {
    return call.tokens().applyTo(UsageEvent.newBuilder()
        .setEventId(EventIds.newId()).setEventTime(Instant.now())
        .setTeam(team).setWorkflow(workflow).setService(service)
        .setProvider(call.provider()).setModel(call.model()).setServiceTier(call.serviceTier()));
  }
}
