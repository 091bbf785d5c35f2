package io.tokenledger.ingest.otel;

/** A payload that is not an OTLP trace export and never will be: an OTLP/HTTP 400, a dead letter on a topic. */
public final class OtlpFormatException extends Exception {
  public OtlpFormatException(String message) {
    super(message);
  }

  public OtlpFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
