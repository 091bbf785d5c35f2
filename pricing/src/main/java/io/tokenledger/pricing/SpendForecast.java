package io.tokenledger.pricing;

import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.tokens.TokenKind;
import io.tokenledger.schemas.topics.SeriesKey;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The next months' spend per team: each (team, provider/model)'s usage trend times the price schedule.
 * <ul>
 *   <li><b>Trend.</b> Daily tokens of the series, from its first day of usage up to the day
 *       before {@code asOf} (days without usage count as 0), fitted with a least-squares line
 *       {@code tokens(d) = a + b d}. A month's expected tokens are the line summed over its days
 *       (never below 0). The band is the expected value plus or minus 1.96 residual standard
 *       deviations times the square root of the month's days: the scatter of days around the
 *       line, not the uncertainty of the line itself.
 *   <li><b>Mix.</b> The series' history share of each token bucket (uncached, cache read, cache
 *       write, output, reasoning) is kept, so a month's tokens are priced bucket by bucket.
 *   <li><b>Prices.</b> The version in force on the month's first day (known future versions
 *       included), times {@code (1 + q)^k} for an assumed quarterly change {@code q} of the model
 *       or its provider, {@code k} the whole quarters since the first forecast month.
 * </ul>
 * A team's band is the sum of its models' bands (conservative: as if they moved together).
 * Money is rounded half-even to the nano-USD once per (team, model, month).
 */
public final class SpendForecast {
  private static final MathContext EXACT = MathContext.DECIMAL128;
  private static final BigDecimal Z = new BigDecimal("1.96");
  private static final BigDecimal PICO_PER_NANO = BigDecimal.valueOf(1_000);

  private SpendForecast() {}

  /** One (team, model)'s tokens on one UTC day, by bucket; the model is {@code provider/model} (see {@link ProviderModel}). */
  public record DailyUsage(String team, String model, LocalDate day, long[] tokens) {
    /** Text usage only: uncached, cache-read, cache-write, output and reasoning tokens. */
    public DailyUsage(String team, String model, LocalDate day, long uncached, long cacheRead, long cacheWrite,
        long output, long reasoning) {
      this(team, model, day, text(uncached, cacheRead, cacheWrite, output, reasoning));
    }

    private static long[] text(long uncached, long cacheRead, long cacheWrite, long output, long reasoning) {
      long[] tokens = new long[TokenKind.ALL.length];
      tokens[TokenKind.UNCACHED_INPUT.ordinal()] = uncached;
      tokens[TokenKind.CACHE_READ.ordinal()] = cacheRead;
      tokens[TokenKind.CACHE_WRITE.ordinal()] = cacheWrite;
      tokens[TokenKind.OUTPUT.ordinal()] = output;
      tokens[TokenKind.REASONING.ordinal()] = reasoning;
      return tokens;
    }

    long total() {
      long total = 0;
      for (long t : tokens) {
        total += t;
      }
      return total;
    }
  }

  /** An assumed price change per quarter of a model, or of every model of a provider: {@code openai:-10%}. */
  public record Assumption(String modelOrProvider, BigDecimal quarterlyPercent) {
    public static Assumption parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon < 0 || !text.endsWith("%")) {
        throw new IllegalArgumentException("an assumption is model-or-provider:percent per quarter, e.g. openai:-10%, "
            + "not '" + text + "'");
      }
      return new Assumption(text.substring(0, colon).strip(), new BigDecimal(text.substring(colon + 1, text.length() - 1)));
    }
  }

  /** A team's month: low, expected and high spend, expected tokens, and whether some usage has no price. */
  public record Month(String team, YearMonth month, long lowNanoUsd, long expectedNanoUsd, long highNanoUsd,
      long expectedTokens, boolean unpricedUsage) {}

  /** The fitted line of one series, for reports and tests. */
  public record Trend(BigDecimal intercept, BigDecimal slopePerDay, BigDecimal residualSd, LocalDate origin) {}

  public static List<Month> forecast(List<DailyUsage> history, LocalDate asOf, int months, PriceBook catalog,
      List<Assumption> assumptions) {
    YearMonth first = YearMonth.from(asOf).plusMonths(1);
    Map<String, long[]> byTeamMonth = new TreeMap<>();
    Map<String, Boolean> unpriced = new TreeMap<>();
    for (List<DailyUsage> series : series(history, asOf).values()) {
      Trend trend = trend(series, asOf);
      BigDecimal[] mix = mix(series);
      for (int i = 0; i < months; i++) {
        YearMonth month = first.plusMonths(i);
        String key = series.get(0).team() + '|' + month;
        add(byTeamMonth.computeIfAbsent(key, k -> new long[4]), unpriced, key, series.get(0).model(), trend, mix,
            month.atDay(1), month.lengthOfMonth(), i, catalog, assumptions);
      }
    }
    List<Month> result = new ArrayList<>();
    byTeamMonth.forEach((key, s) -> {
      int bar = key.indexOf('|');
      result.add(new Month(key.substring(0, bar), YearMonth.parse(key.substring(bar + 1)), s[0], s[1], s[2], s[3],
          unpriced.getOrDefault(key, false)));
    });
    return result;
  }

  /** A team's expected spend over a range of days: low, expected and high, expected tokens, and whether some usage has no price. */
  public record Range(String team, long lowNanoUsd, long expectedNanoUsd, long highNanoUsd, long expectedTokens,
      boolean unpricedUsage) {}

  /**
   * Each team's spend over the days {@code [from, to)}, on or after {@code asOf}: the same trend,
   * mix and price schedule as {@link #forecast}. The range is cut at month starts; each part is
   * priced at the version in force on its first day (so a price change known for the 1st of a
   * month applies from then), with an assumed quarterly change counted from the month after
   * {@code asOf}, as {@link #forecast} counts it.
   */
  public static List<Range> range(List<DailyUsage> history, LocalDate asOf, LocalDate from, LocalDate to,
      PriceBook catalog, List<Assumption> assumptions) {
    if (from.isBefore(asOf)) {
      throw new IllegalArgumentException("a forecast range starts on or after its as-of day, not " + from);
    }
    YearMonth first = YearMonth.from(asOf).plusMonths(1);
    Map<String, long[]> byTeam = new TreeMap<>();
    Map<String, Boolean> unpriced = new TreeMap<>();
    for (List<DailyUsage> series : series(history, asOf).values()) {
      Trend trend = trend(series, asOf);
      BigDecimal[] mix = mix(series);
      String team = series.get(0).team();
      long[] sums = byTeam.computeIfAbsent(team, k -> new long[4]);
      for (LocalDate part = from; part.isBefore(to); ) {
        LocalDate next = YearMonth.from(part).plusMonths(1).atDay(1);
        LocalDate end = next.isBefore(to) ? next : to;
        int index = (int) Math.max(0, ChronoUnit.MONTHS.between(first, YearMonth.from(part)));
        add(sums, unpriced, team, series.get(0).model(), trend, mix, part, (int) ChronoUnit.DAYS.between(part, end),
            index, catalog, assumptions);
        part = end;
      }
    }
    List<Range> result = new ArrayList<>();
    byTeam.forEach((team, s) -> result.add(new Range(team, s[0], s[1], s[2], s[3], unpriced.getOrDefault(team, false))));
    return result;
  }

  /** Each (team, model)'s days before {@code asOf}. */
  private static Map<String, List<DailyUsage>> series(List<DailyUsage> history, LocalDate asOf) {
    Map<String, List<DailyUsage>> bySeries = new TreeMap<>();
    for (DailyUsage u : history) {
      if (u.day().isBefore(asOf)) {
        bySeries.computeIfAbsent(u.team() + '|' + u.model(), k -> new ArrayList<>()).add(u);
      }
    }
    return bySeries;
  }

  /**
   * Adds one series' {@code days} from {@code start} to {@code sums} (low, expected, high nano-USD,
   * expected tokens): the line summed over the days, the band around it, priced at the version in
   * force on {@code start}. The one rule a month and a range share.
   */
  private static void add(long[] sums, Map<String, Boolean> unpriced, String key, String model, Trend trend,
      BigDecimal[] mix, LocalDate start, int days, int index, PriceBook catalog, List<Assumption> assumptions) {
    long first = ChronoUnit.DAYS.between(trend.origin(), start);
    // Sum of a + b d over d = first .. first + days - 1.
    BigDecimal sumD = BigDecimal.valueOf(first).multiply(BigDecimal.valueOf(days))
        .add(BigDecimal.valueOf((long) days * (days - 1) / 2));
    BigDecimal expected = trend.intercept().multiply(BigDecimal.valueOf(days), EXACT)
        .add(trend.slopePerDay().multiply(sumD, EXACT), EXACT).max(BigDecimal.ZERO);
    BigDecimal spread = Z.multiply(trend.residualSd(), EXACT).multiply(BigDecimal.valueOf(days).sqrt(EXACT), EXACT);
    BigDecimal low = expected.subtract(spread, EXACT).max(BigDecimal.ZERO);
    BigDecimal high = expected.add(spread, EXACT);
    Optional<BigDecimal> picoPerToken = picoPerToken(model, start, index, mix, catalog, assumptions);
    if (picoPerToken.isEmpty()) {
      unpriced.put(key, true);
    } else {
      sums[0] += nano(low, picoPerToken.get());
      sums[1] += nano(expected, picoPerToken.get());
      sums[2] += nano(high, picoPerToken.get());
    }
    sums[3] += expected.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
  }

  /** Daily usage per (team, provider/model) and UTC day, from the latest record of each ledger bucket. */
  public static List<DailyUsage> daily(Iterable<UsageAggregate> ledgerBuckets) {
    Map<String, long[]> sums = new TreeMap<>();
    for (UsageAggregate b : ledgerBuckets) {
      SeriesKey series = SeriesKey.parse(b.getScope());
      // NUL never occurs in names; a model name may contain '|'.
      String key = series.team() + '\0' + series.providerModel() + '\0' + b.getWindowStart().atOffset(ZoneOffset.UTC).toLocalDate();
      long[] t = sums.computeIfAbsent(key, k -> new long[TokenKind.ALL.length]);
      for (TokenKind kind : TokenKind.ALL) {
        t[kind.ordinal()] += kind.of(b);
      }
    }
    List<DailyUsage> days = new ArrayList<>();
    sums.forEach((key, t) -> {
      String[] parts = key.split("\0");
      days.add(new DailyUsage(parts[0], parts[1], LocalDate.parse(parts[2]), t));
    });
    return days;
  }

  /** The least-squares line of a series' daily tokens, from its first day to the day before {@code asOf}. */
  public static Trend trend(List<DailyUsage> series, LocalDate asOf) {
    LocalDate origin = series.stream().map(DailyUsage::day).min(LocalDate::compareTo).orElseThrow();
    int n = (int) ChronoUnit.DAYS.between(origin, asOf);
    long[] y = new long[n];
    for (DailyUsage u : series) {
      y[(int) ChronoUnit.DAYS.between(origin, u.day())] += u.total();
    }
    BigDecimal count = BigDecimal.valueOf(n);
    BigDecimal sumD = BigDecimal.ZERO;
    BigDecimal sumY = BigDecimal.ZERO;
    BigDecimal sumDD = BigDecimal.ZERO;
    BigDecimal sumDY = BigDecimal.ZERO;
    for (int d = 0; d < n; d++) {
      BigDecimal bd = BigDecimal.valueOf(d);
      BigDecimal by = BigDecimal.valueOf(y[d]);
      sumD = sumD.add(bd);
      sumY = sumY.add(by);
      sumDD = sumDD.add(bd.multiply(bd));
      sumDY = sumDY.add(bd.multiply(by));
    }
    BigDecimal denominator = count.multiply(sumDD).subtract(sumD.multiply(sumD));
    BigDecimal slope = denominator.signum() == 0 ? BigDecimal.ZERO
        : count.multiply(sumDY).subtract(sumD.multiply(sumY)).divide(denominator, EXACT);
    BigDecimal intercept = sumY.subtract(slope.multiply(sumD, EXACT), EXACT).divide(count, EXACT);
    BigDecimal squares = BigDecimal.ZERO;
    for (int d = 0; d < n; d++) {
      BigDecimal residual = BigDecimal.valueOf(y[d]).subtract(intercept.add(slope.multiply(BigDecimal.valueOf(d), EXACT),
          EXACT), EXACT);
      squares = squares.add(residual.multiply(residual, EXACT), EXACT);
    }
    BigDecimal sd = n > 2 ? squares.divide(BigDecimal.valueOf(n - 2), EXACT).sqrt(EXACT) : BigDecimal.ZERO;
    return new Trend(intercept, slope, sd, origin);
  }

  /** Each bucket's share of the series' tokens, by {@link TokenKind}. */
  private static BigDecimal[] mix(List<DailyUsage> series) {
    long[] t = new long[TokenKind.ALL.length];
    long total = 0;
    for (DailyUsage u : series) {
      for (int i = 0; i < t.length; i++) {
        t[i] += u.tokens()[i];
        total += u.tokens()[i];
      }
    }
    BigDecimal[] mix = new BigDecimal[t.length];
    for (int i = 0; i < t.length; i++) {
      mix[i] = total == 0 ? BigDecimal.ZERO : BigDecimal.valueOf(t[i]).divide(BigDecimal.valueOf(total), EXACT);
    }
    return mix;
  }

  /** The mix's price per token in pico-USD on a day, with the assumed quarterly change; empty without a price. */
  private static Optional<BigDecimal> picoPerToken(String model, LocalDate day, int index, BigDecimal[] mix,
      PriceBook catalog, List<Assumption> assumptions) {
    long at = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    ProviderModel identity = ProviderModel.parse(model);
    Optional<PricedVersion> price = catalog.pricedOf(identity, at);
    if (price.isEmpty()) {
      return Optional.empty();
    }
    PriceVersion p = price.get().version();
    // The prices of the series' service tier; USD per 1M tokens is pico-USD per token x 1e-6.
    Rates rates = price.get().forTier(identity.serviceTier());
    BigDecimal perToken = BigDecimal.ZERO;
    for (TokenKind kind : TokenKind.ALL) {
      perToken = perToken.add(mix[kind.ordinal()].multiply(rates.usdPerMillion(kind).movePointRight(6), EXACT), EXACT);
    }
    int quarters = index / 3;
    for (Assumption a : assumptions) {
      if (a.modelOrProvider().equals(model) || a.modelOrProvider().equals(identity.model())
          || a.modelOrProvider().equals(p.getProvider())) {
        BigDecimal factor = BigDecimal.ONE.add(a.quarterlyPercent().movePointLeft(2));
        perToken = perToken.multiply(factor.pow(quarters, EXACT), EXACT);
        break;
      }
    }
    return Optional.of(perToken);
  }

  private static long nano(BigDecimal tokens, BigDecimal picoPerToken) {
    return tokens.multiply(picoPerToken, EXACT).divide(PICO_PER_NANO, 0, RoundingMode.HALF_EVEN).longValueExact();
  }
}
