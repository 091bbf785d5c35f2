package io.tokenledger.platform.query;

import java.nio.charset.StandardCharsets;

/**
 * An HTTP status and body, as answered locally or by the instance that owns the key: JSON, or a
 * file (an export) with its content type and the name to save it under.
 */
public record QueryAnswer(int status, String json, String servedBy, byte[] file, String contentType,
    String fileName) {

  public QueryAnswer(int status, String json, String servedBy) {
    this(status, json, servedBy, null, null, null);
  }

  public static QueryAnswer file(byte[] body, String contentType, String fileName, String servedBy) {
    return new QueryAnswer(200, null, servedBy, body, contentType, fileName);
  }

  byte[] body() {
    return file != null ? file : json.getBytes(StandardCharsets.UTF_8);
  }
}
