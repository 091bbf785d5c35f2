package io.tokenledger.ingest.spool;

/** The spool's disk budget (or its write queue) is exhausted: the event was dropped. */
public class SpoolFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SpoolFullException(String message) {
    super(message);
  }
}
