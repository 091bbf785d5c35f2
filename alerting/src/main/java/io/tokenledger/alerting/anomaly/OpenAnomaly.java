package io.tokenledger.alerting.anomaly;

import java.nio.ByteBuffer;

/**
 * An anomaly raised and not yet resolved, as kept in the series state. {@code announced} is
 * false for one found while history was replayed: it is tracked (the baseline must not learn
 * it) but neither it nor its resolution is published. It is kept in the series state's flag byte.
 */
final class OpenAnomaly {
  static final int BYTES = 6 * 8 + 4;

  boolean announced = true;
  long startedAt;
  long detectedAt;
  long expected;
  long threshold;
  long peak;
  long baselineMinutes;
  int normalStreak;

  void write(ByteBuffer b) {
    b.putLong(startedAt).putLong(detectedAt).putLong(expected).putLong(threshold).putLong(peak)
        .putLong(baselineMinutes).putInt(normalStreak);
  }

  static OpenAnomaly read(ByteBuffer b) {
    OpenAnomaly o = new OpenAnomaly();
    o.startedAt = b.getLong();
    o.detectedAt = b.getLong();
    o.expected = b.getLong();
    o.threshold = b.getLong();
    o.peak = b.getLong();
    o.baselineMinutes = b.getLong();
    o.normalStreak = b.getInt();
    return o;
  }
}
