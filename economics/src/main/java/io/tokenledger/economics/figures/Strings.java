package io.tokenledger.economics.figures;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Length-prefixed UTF-8 strings in stored layouts; length -1 is null. */
public final class Strings {
  private Strings() {}

  public static int size(String s) {
    return Integer.BYTES + (s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length);
  }

  public static void write(ByteBuffer out, String s) {
    if (s == null) {
      out.putInt(-1);
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.putInt(bytes.length).put(bytes);
  }

  public static String read(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
