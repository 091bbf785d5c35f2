package io.tokenledger.schemas.deadletters;

import io.tokenledger.schemas.serde.UndecodableException;

/**
 * Why a record is on the dead-letter topic: the {@code reason_code} of a {@code DeadLetter}. The
 * codes are part of the topic's contract (operators filter and replay by them), so a code is
 * never renamed; new ones are added.
 */
public enum DeadLetterReason {
  /** The value does not start with the Avro single-object header (C3 01). */
  NOT_AVRO,
  /** The header is fine but no known schema has the writer's fingerprint: upgrade the reader. */
  UNKNOWN_SCHEMA,
  /** The schema is known but the value does not decode with it. */
  CORRUPT,
  /** The value is null; none of the input topics is compacted, so a null deletes nothing. */
  TOMBSTONE,
  /** A field failed validation; the reason names each one. */
  INVALID,
  /** The record key is not the record's team (UTF-8). */
  KEY_MISMATCH,
  /** The record is not in its team's partition, where what it belongs with is counted. */
  MISPLACED,
  /** The record's value, valued as the figures are, exceeds what they hold. */
  NOT_REPRESENTABLE,
  /** A price correction computed from a bucket cost the bucket no longer has. */
  STALE_CORRECTION,
  /** Not an OTLP trace export in the configured encoding. */
  NOT_OTLP,
  /** An OTLP span that cannot be taken as usage (the reason says why). */
  OTLP_SPAN_REFUSED,
  /** A processor failed on the record unexpectedly: a bug or an outage; the reason holds the exception. */
  PROCESSING_FAILED;

  /** The dead-letter reason of a value that did not decode. */
  public static DeadLetterReason of(UndecodableException.Reason reason) {
    return valueOf(reason.name());
  }
}
