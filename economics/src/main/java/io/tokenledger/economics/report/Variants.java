package io.tokenledger.economics.report;

import io.tokenledger.economics.figures.Counters;
import io.tokenledger.economics.figures.Figures;
import io.tokenledger.schemas.VariantComparison;
import io.tokenledger.schemas.VariantEconomics;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A workflow's variants side by side: each one's cost per success, success rate, median
 * turnaround and mean quality with their 95% intervals, and which variant wins on which axis.
 * <ul>
 *   <li>A variant's cost is its own: the priced cost of its items' calls plus people's time in the
 *       loop (the ledger has no variants). Its cost per success has an interval from the success
 *       rate's, as the verdict's does.
 *   <li>A variant wins an axis when it beats every other at 95% confidence: success by Newcombe's
 *       interval of the difference lying above 0, cost, time and quality by intervals that do not
 *       overlap. Otherwise nobody wins that axis. Only variants with the minimum outcomes of the
 *       axis's own kind (decided items; timed or scored successes) take part: a person alone makes
 *       no calls, so has no turnaround, and one item each proves nothing.
 *   <li>Enough data: every variant has the minimum outcomes, and some axis has a winner or the two
 *       best success rates have the decided items a two-proportion test needs at 95% confidence and 80%
 *       power, {@code n = (z sqrt(2 p (1 - p)) + z_b sqrt(p1 (1 - p1) + p2 (1 - p2)))^2 / (p1 - p2)^2}
 *       per variant ({@code p} their pooled rate); the items needed are what both still lack.
 * </ul>
 */
public final class Variants {
  /** The 80th percentile of the standard normal distribution: 80% power. */
  private static final BigDecimal Z_POWER = new BigDecimal("0.8416212335729143");

  private Variants() {}

  /** One variant's figures, with the exact values the comparison reads. */
  private record Row(String name, Counters c, VariantEconomics out, Rates.Interval success, BigDecimal costLow,
      BigDecimal costHigh, Quantiles.Quantile median, Means.Mean quality) {}

  public static List<VariantEconomics> figures(Map<String, Figures.Variant> variants) {
    return rows(variants).stream().map(Row::out).toList();
  }

  /** Null with fewer than two variants. */
  public static VariantComparison compare(Map<String, Figures.Variant> variants, String unit, long minOutcomes) {
    List<Row> rows = rows(variants);
    if (rows.size() < 2) {
      return null;
    }
    String per = " per " + (unit == null ? "unit" : unit);
    List<String> words = new ArrayList<>();
    // An axis is judged among the variants with at least the minimum of its own observations.
    String cost = winner(rows, r -> r.costHigh() == null || r.c().decided() < minOutcomes ? null
        : new BigDecimal[] {r.costLow(), r.costHigh()}, true);
    String time = winner(rows, r -> r.median() == null || r.out().getTurnaroundItems() < minOutcomes ? null
        : new BigDecimal[] {BigDecimal.valueOf(r.median().low()), BigDecimal.valueOf(r.median().high())}, true);
    String quality = winner(rows, r -> r.quality() == null || r.quality().low() == null || r.c().scored() < minOutcomes
        ? null : new BigDecimal[] {r.quality().low(), r.quality().high()}, false);
    String success = successWinner(rows.stream().filter(r -> r.c().decided() >= minOutcomes).toList());
    add(words, "cost", cost, rows, r -> r.out().getCostPerSuccessNanoUsd() == null ? "-"
        : io.tokenledger.schemas.money.MoneyFormat.usd(r.out().getCostPerSuccessNanoUsd()) + per);
    add(words, "success", success, rows, r -> r.success() == null ? "-" : Verdicts.percent(r.success().rate()));
    add(words, "time", time, rows, r -> r.median() == null ? "-" : "median " + Durations.text(r.median().value()));
    add(words, "quality", quality, rows, r -> r.quality() == null ? "-"
        : r.quality().mean().setScale(1, RoundingMode.HALF_EVEN).toPlainString());
    List<Row> bySuccess = rows.stream().filter(r -> r.success() != null)
        .sorted((a, b) -> b.success().rate().compareTo(a.success().rate())).toList();
    Long needed = null;
    if (bySuccess.size() >= 2) {
      needed = itemsNeeded(bySuccess.get(0), bySuccess.get(1));
    }
    List<String> tooFew = rows.stream().filter(r -> r.c().decided() < minOutcomes)
        .map(r -> r.name() + " " + r.c().decided()).toList();
    boolean enough = tooFew.isEmpty() && (cost != null || success != null || time != null || quality != null
        || (needed != null && needed == 0));
    String message;
    if (enough) {
      message = String.join("; ", words);
    } else {
      StringBuilder why = new StringBuilder("not enough data: ");
      if (!tooFew.isEmpty()) {
        why.append(String.join(", ", tooFew)).append(" decided items of the ").append(minOutcomes).append(" each needs");
      }
      if (bySuccess.size() >= 2 && success == null) {
        why.append(tooFew.isEmpty() ? "" : "; ");
        why.append(needed == null ? bySuccess.get(0).name() + " and " + bySuccess.get(1).name()
            + " succeed equally often so far: no difference to tell"
            : "about " + String.format("%,d", needed) + " more decided items to tell " + bySuccess.get(0).name()
                + "'s success rate from " + bySuccess.get(1).name() + "'s");
      }
      message = why + ". So far: " + String.join("; ", words);
    }
    return VariantComparison.newBuilder().setCostWinner(cost).setSuccessWinner(success).setTimeWinner(time)
        .setQualityWinner(quality).setEnoughData(enough).setItemsNeeded(needed).setMessage(message).build();
  }

  private static List<Row> rows(Map<String, Figures.Variant> variants) {
    List<Row> rows = new ArrayList<>();
    variants.forEach((name, v) -> {
      Counters c = v.counters();
      long path = Math.addExact(c.itemSpendNanoUsd(), c.humanLoopNanoUsd());
      VariantEconomics.Builder out = VariantEconomics.newBuilder().setVariant(name).setItemsStarted(c.started())
          .setItemsSucceeded(c.succeeded()).setItemsDecided(c.decided()).setUnitsSucceeded(c.unitsSucceeded())
          .setPathCostNanoUsd(path).setTurnaroundItems(v.turnarounds().total()).setQualityScored(c.scored())
          .setQualityUnscored(c.unscored());
      if (c.unitsSucceeded() > 0) {
        out.setCostPerSuccessNanoUsd(Rates.divide(BigDecimal.valueOf(path), BigDecimal.valueOf(c.unitsSucceeded())));
      }
      Rates.Interval success = null;
      BigDecimal costLow = null;
      BigDecimal costHigh = null;
      if (c.decided() > 0) {
        success = Rates.wilson(c.succeeded(), c.decided());
        out.setSuccessRateBasisPoints(Rates.basisPoints(success.rate()))
            .setSuccessLowBasisPoints(Rates.basisPoints(success.low()))
            .setSuccessHighBasisPoints(Rates.basisPoints(success.high()));
        costLow = Verdicts.costPerSuccessAt(path, c, success.high());
        costHigh = Verdicts.costPerSuccessAt(path, c, success.low());
        if (costLow != null) {
          out.setCostPerSuccessLowNanoUsd(Rates.divide(costLow, BigDecimal.ONE));
        }
        if (costHigh != null) {
          out.setCostPerSuccessHighNanoUsd(Rates.divide(costHigh, BigDecimal.ONE));
        }
      }
      Quantiles.Quantile median = Quantiles.of(v.turnarounds(), Axes.MEDIAN);
      if (median != null) {
        out.setTurnaroundMedianSeconds(median.value()).setTurnaroundMedianLowSeconds(median.low())
            .setTurnaroundMedianHighSeconds(median.high());
      }
      Means.Mean quality = Means.of(c.scored(), c.qualitySum(), c.qualitySquares());
      if (quality != null) {
        out.setQualityMeanBasisPoints(Means.basisPoints(quality.mean()));
        if (quality.low() != null) {
          out.setQualityLowBasisPoints(Means.basisPoints(quality.low()))
              .setQualityHighBasisPoints(Means.basisPoints(quality.high()));
        }
      }
      rows.add(new Row(name, c, out.build(), success, costLow, costHigh, median, quality));
    });
    return rows;
  }

  /**
   * The variant whose interval lies wholly on the better side of every other's ({@code lower}:
   * lower is better); null when none does or a variant has no interval.
   */
  private static String winner(List<Row> rows, Function<Row, BigDecimal[]> interval, boolean lower) {
    // A variant without the figure (a person alone has no calls, so no turnaround) takes no part.
    List<Row> taking = rows.stream().filter(r -> interval.apply(r) != null).toList();
    if (taking.size() < 2) {
      return null;
    }
    for (Row candidate : taking) {
      BigDecimal[] mine = interval.apply(candidate);
      boolean beatsAll = true;
      for (Row other : taking) {
        if (other == candidate) {
          continue;
        }
        BigDecimal[] theirs = interval.apply(other);
        if (lower ? mine[1].compareTo(theirs[0]) >= 0 : mine[0].compareTo(theirs[1]) <= 0) {
          beatsAll = false;
          break;
        }
      }
      if (beatsAll) {
        return candidate.name();
      }
    }
    return null;
  }

  private static String successWinner(List<Row> rows) {
    if (rows.size() < 2) {
      return null;
    }
    for (Row candidate : rows) {
      if (candidate.success() == null) {
        continue;
      }
      boolean beatsAll = rows.stream().allMatch(other -> other == candidate || (other.success() != null
          && Rates.difference(candidate.success(), other.success()).low().signum() > 0));
      if (beatsAll) {
        return candidate.name();
      }
    }
    return null;
  }

  /** Decided items both of the two best still need for a two-proportion test to tell them apart. */
  private static Long itemsNeeded(Row first, Row second) {
    BigDecimal p1 = first.success().rate();
    BigDecimal p2 = second.success().rate();
    BigDecimal gap = p1.subtract(p2);
    if (gap.signum() == 0) {
      return null;
    }
    BigDecimal pooled = BigDecimal.valueOf(first.c().succeeded() + second.c().succeeded())
        .divide(BigDecimal.valueOf(first.c().decided() + second.c().decided()), Rates.EXACT);
    BigDecimal a = Rates.Z.multiply(BigDecimal.valueOf(2).multiply(pooled).multiply(BigDecimal.ONE.subtract(pooled))
        .sqrt(Rates.EXACT), Rates.EXACT);
    BigDecimal b = Z_POWER.multiply(p1.multiply(BigDecimal.ONE.subtract(p1)).add(p2.multiply(BigDecimal.ONE
        .subtract(p2))).sqrt(Rates.EXACT), Rates.EXACT);
    long perVariant = a.add(b).pow(2).divide(gap.pow(2), 0, RoundingMode.CEILING).longValueExact();
    return Math.max(0, perVariant - first.c().decided()) + Math.max(0, perVariant - second.c().decided());
  }

  private static void add(List<String> words, String axis, String winner, List<Row> rows,
      Function<Row, String> figure) {
    StringBuilder text = new StringBuilder(winner == null ? axis + " not distinguishable" : winner + " wins on " + axis);
    text.append(" (");
    for (int i = 0; i < rows.size(); i++) {
      text.append(i == 0 ? "" : ", ").append(rows.get(i).name()).append(' ').append(figure.apply(rows.get(i)));
    }
    words.add(text.append(')').toString());
  }
}
