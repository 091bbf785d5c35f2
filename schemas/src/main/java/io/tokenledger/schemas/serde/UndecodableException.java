package io.tokenledger.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** A value that could not be decoded, with a reason code that dead letters carry. */
public class UndecodableException extends SerializationException {
  private static final long serialVersionUID = 1L;

  public enum Reason {
    /** The bytes do not start with the Avro single-object header (C3 01). */
    NOT_AVRO,
    /** The header is fine but no known schema has the writer's fingerprint. */
    UNKNOWN_SCHEMA,
    /** The schema is known but the body does not decode with it. */
    CORRUPT
  }

  private final Reason reason;

  public UndecodableException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
