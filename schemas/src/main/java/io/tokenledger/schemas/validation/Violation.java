package io.tokenledger.schemas.validation;

/** One field that failed validation, and why, in words a producer's developer can act on. */
public record Violation(String field, String problem) {
  @Override
  public String toString() {
    return field + ": " + problem;
  }
}
