package io.tokenledger.alerting.anomaly;

import java.nio.ByteBuffer;

/**
 * Exponentially weighted mean and variance of one per-minute series. Until it has seen about
 * 1/alpha values it is a plain running mean (the weight is never below 1/n), so a young
 * baseline is not dragged towards zero by its starting value.
 *
 * <p>Doubles are right here: a baseline is a statistical estimate, never an amount anyone is
 * charged. Amounts stay exact: a minute's observed spend is the aggregate's integer nano-USD,
 * the floor is integer nano-USD, and the expected value an alert reports is the estimate
 * rounded to a whole nano-USD (or request, or token).
 */
final class Ewma {
  static final int BYTES = 24;

  long count;
  double mean;
  double variance;

  void add(double x, double alpha) {
    double a = Math.max(alpha, 1.0 / (count + 1));
    count++;
    double diff = x - mean;
    double increment = a * diff;
    mean += increment;
    variance = (1 - a) * (variance + diff * increment);
  }

  double sd() {
    return Math.sqrt(Math.max(0, variance));
  }

  void write(ByteBuffer b) {
    b.putLong(count).putDouble(mean).putDouble(variance);
  }

  static Ewma read(ByteBuffer b) {
    Ewma e = new Ewma();
    e.count = b.getLong();
    e.mean = b.getDouble();
    e.variance = b.getDouble();
    return e;
  }
}
