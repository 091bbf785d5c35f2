package io.tokenledger.schemas.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The frame of a hand-written binary layout kept in a state store or an internal topic: one
 * version byte, then the body. Layouts written before versions existed had no version byte and
 * fixed lengths, which no versioned layout shares, so they are still read after an upgrade
 * (restored changelogs, partials in flight).
 */
public final class StoredLayout {
  private final String what;
  private final byte version;
  private final int[] unversionedLengths;

  /**
   * @param what names the layout in errors, e.g. "window totals"
   * @param unversionedLengths the lengths of the layout as written before it had a version
   */
  public StoredLayout(String what, int version, int... unversionedLengths) {
    this.what = what;
    this.version = (byte) version;
    this.unversionedLengths = unversionedLengths.clone();
  }

  /** A buffer for a body of {@code bodyBytes}, with the version already written. */
  public ByteBuffer writer(int bodyBytes) {
    return ByteBuffer.allocate(1 + bodyBytes).put(version);
  }

  /**
   * The body of stored bytes, positioned after the version byte; version 0 for an unversioned
   * layout.
   */
  public Body reader(byte[] bytes) {
    for (int length : unversionedLengths) {
      if (bytes.length == length) {
        return new Body(0, ByteBuffer.wrap(bytes));
      }
    }
    if (bytes.length == 0 || bytes[0] < 1 || bytes[0] > version) {
      throw new SerializationException("Stored " + what + " of " + bytes.length + " bytes has layout version "
          + (bytes.length == 0 ? "none" : Byte.toString(bytes[0])) + ", but this tokenledger reads versions up to "
          + version + ". Was it written by a newer tokenledger? Run that version, or reset the application to "
          + "rebuild its state.");
    }
    return new Body(bytes[0], ByteBuffer.wrap(bytes, 1, bytes.length - 1));
  }

  /** A stored body and the layout version it was written in (0: before versions existed). */
  public record Body(int version, ByteBuffer buffer) {}
}
