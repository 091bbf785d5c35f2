package io.tokenledger.platform.query;

/** An HTTP status and JSON body, as answered locally or by the instance that owns the key. */
public record QueryAnswer(int status, String json, String servedBy) {}
