package io.tokenledger.schemas.topics;

/**
 * A key made of several names, written as a JSON array of strings (null as {@code null}): any
 * name, with any character, keeps its parts apart, and the key reads back with any JSON parser.
 * Written by hand, not by a JSON library, since some are written per ledger change.
 */
public final class JsonArrayKeys {
  private JsonArrayKeys() {}

  public static String of(String... parts) {
    StringBuilder out = new StringBuilder(16 * parts.length).append('[');
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      string(out, parts[i]);
    }
    return out.append(']').toString();
  }

  private static void string(StringBuilder out, String text) {
    if (text == null) {
      out.append("null");
      return;
    }
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
