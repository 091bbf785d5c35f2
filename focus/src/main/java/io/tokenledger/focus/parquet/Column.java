package io.tokenledger.focus.parquet;

/**
 * One column of an export and how Parquet types it: text, an exact decimal of a fixed scale, a
 * UTC timestamp (ISO-8601 text in, milliseconds out) or a 64-bit integer. Empty text is null.
 */
public record Column(String name, Kind kind, int scale) {
  public enum Kind { STRING, DECIMAL, TIMESTAMP, LONG }

  public static Column string(String name) {
    return new Column(name, Kind.STRING, 0);
  }

  public static Column decimal(String name, int scale) {
    return new Column(name, Kind.DECIMAL, scale);
  }

  public static Column timestamp(String name) {
    return new Column(name, Kind.TIMESTAMP, 0);
  }

  public static Column integer(String name) {
    return new Column(name, Kind.LONG, 0);
  }
}
