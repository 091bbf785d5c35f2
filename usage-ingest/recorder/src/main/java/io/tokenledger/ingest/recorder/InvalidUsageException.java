package io.tokenledger.ingest.recorder;

import io.tokenledger.schemas.validation.UsageValidator;
import io.tokenledger.schemas.validation.Violation;
import java.util.List;

/** The event cannot be accounted for as given; the message names every offending field. */
public class InvalidUsageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final transient List<Violation> violations;

  public InvalidUsageException(String eventId, List<Violation> violations) {
    super("Usage event " + (eventId == null ? "(no event_id)" : eventId) + " rejected: "
        + UsageValidator.describe(violations));
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
