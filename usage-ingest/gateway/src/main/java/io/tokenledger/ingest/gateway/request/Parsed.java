package io.tokenledger.ingest.gateway.request;

import java.util.List;

/** Records read from a request and problems found; the records are only usable when there are no problems. */
public record Parsed<V>(List<V> records, List<FieldError> errors) {}
