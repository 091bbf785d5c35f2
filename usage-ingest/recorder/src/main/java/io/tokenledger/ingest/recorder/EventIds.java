package io.tokenledger.ingest.recorder;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered event ids (UUIDv7, RFC 9562): the first 48 bits are the Unix time in
 * milliseconds, so ids sort by creation time and spread evenly in a hash.
 */
public final class EventIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private EventIds() {}

  public static String newId() {
    return uuidV7(System.currentTimeMillis()).toString();
  }

  static UUID uuidV7(long unixMillis) {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    long msb = (unixMillis & 0xFFFF_FFFF_FFFFL) << 16;
    msb |= 0x7000L; // version 7
    msb |= ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
    long lsb = 0x8000_0000_0000_0000L; // IETF variant
    for (int i = 2; i < 10; i++) {
      lsb |= (random[i] & 0xFFL) << (8 * (9 - i));
    }
    lsb = (lsb & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }
}
