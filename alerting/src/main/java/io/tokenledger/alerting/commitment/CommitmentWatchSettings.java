package io.tokenledger.alerting.commitment;

import java.time.Duration;

/**
 * When a commitment's shortfall is announced.
 *
 * @param checkInterval how often every commitment's period is projected (wall clock)
 * @param minElapsed how far into a period before it is projected at all (a period's first days
 *     say little about its pace)
 * @param minUnusedPercent the least projected shortfall, in percent of the amount, worth an alert
 */
public record CommitmentWatchSettings(Duration checkInterval, Duration minElapsed, int minUnusedPercent) {
  public static CommitmentWatchSettings defaults() {
    return new CommitmentWatchSettings(Duration.ofMinutes(1), Duration.ofDays(7), 5);
  }
}
