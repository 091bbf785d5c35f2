package io.tokenledger.economics.report;

import io.tokenledger.economics.figures.Counters;
import io.tokenledger.economics.figures.Turnarounds;
import io.tokenledger.schemas.AxisVerdict;
import io.tokenledger.schemas.EconomicsRecommendation;
import io.tokenledger.schemas.EconomicsVerdict;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Agent or person on three axes, each at 95% confidence, and one recommendation that never hides
 * a worse axis behind a better one:
 * <ul>
 *   <li><b>Cost</b>: the verdict's rule ({@link Verdicts}): better or worse only when the success
 *       rate's interval cannot flip it.
 *   <li><b>Time</b>: the median turnaround's interval against a person's turnaround per unit:
 *       better when its high end is below the person's, worse when its low end is above the
 *       person's plus the workflow's acceptable time loss.
 *   <li><b>Quality</b>: the mean score's interval against a person's score: better when its low
 *       end is above the person's, worse when its high end is below the person's minus the
 *       acceptable quality loss.
 * </ul>
 * An axis has no data without a person's figure for it or with fewer than the minimum outcomes.
 * Recommendation: PERSON when any axis is worse; AGENT when cost is better and no axis is worse;
 * otherwise UNDECIDED.
 */
public final class Axes {
  static final BigDecimal MEDIAN = new BigDecimal("0.5");
  static final BigDecimal P90 = new BigDecimal("0.9");
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private Axes() {}

  /** The three axes, the recommendation and the rule in words. */
  public record Decision(AxisVerdict cost, AxisVerdict time, AxisVerdict quality,
      EconomicsRecommendation recommendation, String reason) {}

  public static Decision decide(Counters t, Turnarounds turnarounds, EconomicsVerdict verdict, String unit,
      long minOutcomes) {
    String per = " per " + (unit == null ? "unit" : unit);
    List<String> words = new ArrayList<>();
    AxisVerdict cost = cost(t, verdict, minOutcomes, per, words);
    AxisVerdict time = time(t, turnarounds, minOutcomes, words);
    AxisVerdict quality = quality(t, minOutcomes, words);
    boolean worse = cost == AxisVerdict.AGENT_WORSE || time == AxisVerdict.AGENT_WORSE
        || quality == AxisVerdict.AGENT_WORSE;
    EconomicsRecommendation recommendation = worse ? EconomicsRecommendation.PERSON
        : cost == AxisVerdict.AGENT_BETTER ? EconomicsRecommendation.AGENT : EconomicsRecommendation.UNDECIDED;
    String lead = switch (recommendation) {
      case AGENT -> "agent: ";
      case PERSON -> "person: ";
      default -> "undecided: ";
    };
    return new Decision(cost, time, quality, recommendation, lead + String.join(", ", words));
  }

  private static AxisVerdict cost(Counters t, EconomicsVerdict verdict, long minOutcomes, String per,
      List<String> words) {
    if (t.valuedOutcomes() == 0 || t.decided() < minOutcomes) {
      words.add(t.valuedOutcomes() == 0 ? "cost: no baseline" : "cost: " + t.decided() + " of " + minOutcomes
          + " outcomes needed");
      return AxisVerdict.NO_DATA;
    }
    BigDecimal person = Verdicts.personPerOutcome(t);
    BigDecimal agent = RightSizing.costPerSuccess(t);
    String gap = agent == null ? "" : Verdicts.money(person.subtract(agent).abs()) + per;
    switch (verdict) {
      case AGENT_CHEAPER -> {
        words.add("cheaper by " + gap);
        return AxisVerdict.AGENT_BETTER;
      }
      case PERSON_CHEAPER -> {
        words.add(agent == null ? "dearer: no success yet" : "dearer by " + gap);
        return AxisVerdict.AGENT_WORSE;
      }
      default -> {
        words.add("cost not distinguishable");
        return AxisVerdict.NOT_DISTINGUISHABLE;
      }
    }
  }

  private static AxisVerdict time(Counters t, Turnarounds turnarounds, long minOutcomes, List<String> words) {
    if (t.personTurnarounds() == 0) {
      words.add("time: no person's turnaround in the baseline");
      return AxisVerdict.NO_DATA;
    }
    long timed = turnarounds.total();
    if (timed < minOutcomes) {
      words.add("time: " + timed + " of " + minOutcomes + " timed successes needed");
      return AxisVerdict.NO_DATA;
    }
    BigDecimal count = BigDecimal.valueOf(t.personTurnarounds());
    BigDecimal person = BigDecimal.valueOf(t.personTurnaroundSum()).divide(count, Rates.EXACT);
    BigDecimal allowed = BigDecimal.valueOf(t.timeLossAllowedSum()).divide(count, Rates.EXACT);
    Quantiles.Quantile median = Quantiles.of(turnarounds, MEDIAN);
    String against = " (median " + Durations.text(median.value()) + " against "
        + Durations.text(person.setScale(0, RoundingMode.HALF_EVEN).longValueExact()) + ")";
    if (BigDecimal.valueOf(median.high()).compareTo(person) < 0) {
      words.add(times(person, median.value()) + " faster" + against);
      return AxisVerdict.AGENT_BETTER;
    }
    BigDecimal limit = person.multiply(BigDecimal.ONE.add(allowed.divide(HUNDRED, Rates.EXACT)), Rates.EXACT);
    if (BigDecimal.valueOf(median.low()).compareTo(limit) > 0) {
      words.add(times(BigDecimal.valueOf(median.value()), person.longValue()) + " slower" + against);
      return AxisVerdict.AGENT_WORSE;
    }
    words.add("time not distinguishable" + against);
    return AxisVerdict.NOT_DISTINGUISHABLE;
  }

  private static AxisVerdict quality(Counters t, long minOutcomes, List<String> words) {
    if (t.scored() == 0) {
      words.add("quality: no scores" + (t.unscored() > 0 ? String.format(" (%,d successes unscored)", t.unscored()) : ""));
      return AxisVerdict.NO_DATA;
    }
    if (t.personQualities() == 0) {
      words.add("quality: no person's score in the baseline");
      return AxisVerdict.NO_DATA;
    }
    if (t.scored() < Math.max(2, minOutcomes)) {
      words.add("quality: " + t.scored() + " of " + Math.max(2, minOutcomes) + " scores needed");
      return AxisVerdict.NO_DATA;
    }
    Means.Mean mean = Means.of(t.scored(), t.qualitySum(), t.qualitySquares());
    BigDecimal count = BigDecimal.valueOf(t.personQualities());
    BigDecimal person = BigDecimal.valueOf(t.personQualitySum()).divide(count, Rates.EXACT);
    BigDecimal allowed = BigDecimal.valueOf(t.qualityLossAllowedSum()).divide(count, Rates.EXACT);
    String against = " (" + score(mean.mean()) + " against " + score(person) + ")";
    if (mean.high().compareTo(person.subtract(allowed)) < 0) {
      words.add("quality lower" + against);
      return AxisVerdict.AGENT_WORSE;
    }
    if (mean.low().compareTo(person) > 0) {
      words.add("quality higher" + against);
      return AxisVerdict.AGENT_BETTER;
    }
    words.add("quality not distinguishable" + against);
    return AxisVerdict.NOT_DISTINGUISHABLE;
  }

  /** "4.0x": how many times the larger is the smaller, one decimal, half-even. */
  private static String times(BigDecimal larger, long smaller) {
    if (smaller <= 0) {
      return "far";
    }
    return larger.divide(BigDecimal.valueOf(smaller), 1, RoundingMode.HALF_EVEN).toPlainString() + "x";
  }

  private static String score(BigDecimal score) {
    return score.setScale(1, RoundingMode.HALF_EVEN).toPlainString();
  }
}
