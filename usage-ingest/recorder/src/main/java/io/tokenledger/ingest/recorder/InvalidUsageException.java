package io.tokenledger.ingest.recorder;

import io.tokenledger.schemas.validation.UsageValidator;
import io.tokenledger.schemas.validation.Violation;
import java.util.List;

/** The record (a usage event, a work outcome) cannot be accounted for as given; the message names every offending field. */
public class InvalidUsageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final transient List<Violation> violations;

  public InvalidUsageException(String eventId, List<Violation> violations) {
    this("usage event", eventId, violations);
  }

  /** @param noun what was refused, e.g. "work outcome" */
  public InvalidUsageException(String noun, String id, List<Violation> violations) {
    super(Character.toUpperCase(noun.charAt(0)) + noun.substring(1) + " " + (id == null ? "(no id)" : id)
        + " rejected: " + UsageValidator.describe(violations));
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
