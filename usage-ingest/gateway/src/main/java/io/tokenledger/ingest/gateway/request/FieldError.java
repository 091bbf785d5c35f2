package io.tokenledger.ingest.gateway.request;

/** One problem with one field of one event in a request ({@code index} -1: the request as a whole). */
public record FieldError(int index, String field, String problem) {}
