package io.tokenledger.ingest.normalize;

/** A provider usage object that cannot be normalised without guessing; names the field. */
public class UsageShapeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public UsageShapeException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
