package io.tokenledger.economics.report;

/** A turnaround as a person reads it: "45s", "12m 30s", "4h 5m", "2d 3h". */
public final class Durations {
  private Durations() {}

  public static String text(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3_600) {
      return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + "s");
    }
    if (seconds < 86_400) {
      return seconds / 3_600 + "h" + (seconds % 3_600 / 60 == 0 ? "" : " " + seconds % 3_600 / 60 + "m");
    }
    return seconds / 86_400 + "d" + (seconds % 86_400 / 3_600 == 0 ? "" : " " + seconds % 86_400 / 3_600 + "h");
  }
}
