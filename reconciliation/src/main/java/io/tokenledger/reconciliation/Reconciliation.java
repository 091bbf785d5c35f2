package io.tokenledger.reconciliation;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PricedVersion;
import io.tokenledger.reconciliation.mapping.BillMap;
import io.tokenledger.schemas.BillLine;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.tokens.TokenKind;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ledger against the provider's bill, per (UTC day, provider, model, tier, billed token type),
 * every difference classified. For each cell the difference (bill minus ledger) is split exactly
 * into a token part, the tokens' difference valued at the bill's own price of the cell (its amount
 * over its tokens), and a price part, the rest. Token parts are paired within a (day, provider,
 * model): tokens the bill has in another cache duration than we recorded are a cache
 * classification, in another tier a tier classification; what remains is tokens missing on our
 * side or extra on it. A price part within the rounding bound is rounding; beyond it, on tokens
 * both sides have, a price drift (or a long-context band the bill prices apart); anything else is
 * unexplained. The classes of a cell always sum to its difference, to the last digit.
 *
 * <p>The rounding bound of a cell: half a unit of the last decimal each of its bill amounts is
 * written to, plus the tolerance per bill line (default one micro-USD), plus half a nano-USD per
 * event of ours (each event's cost is rounded to the nano-USD once).
 */
public final class Reconciliation {
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final BigDecimal HALF_NANO = new BigDecimal("0.0000000005");
  private static final BigDecimal PER_TOKEN_ERROR = new BigDecimal("1e-18");
  private static final int PRICE_SCALE = 18;
  private static final String ALL_MODELS = "(all models)";

  /** How close is matched: the tolerance per bill line, in USD. */
  public record Settings(BigDecimal toleranceUsdPerLine) {
    public static final Settings DEFAULT = new Settings(new BigDecimal("0.000001"));
  }

  /** One compared cell: both sides and the difference (bill minus ledger). */
  public record Row(Cell cell, long ourTokens, BigDecimal ourCostUsd, long billTokens, BigDecimal billedUsd,
      boolean billedAtOurPrices, BigDecimal differenceUsd, BigDecimal roundingBoundUsd, boolean matched) {}

  /** A team's tokens of a (day, provider, model) on both sides, where the bill's identities map to teams. */
  public record TeamRow(Cell.Group group, String team, long ourTokens, long billTokens, List<String> identities) {}

  /** A bill identity no mapping names: its tokens and amount in the period. */
  public record Unmapped(String provider, String identity, long tokens, BigDecimal amountUsd, String firstDay,
      String lastDay) {}

  /** Totals of the compared cells: the classes sum to the difference. */
  public record Summary(BigDecimal ourCostUsd, BigDecimal billedUsd, int cells, int matchedCells,
      Map<DifferenceClass, BigDecimal> byClass) {
    public BigDecimal differenceUsd() {
      return billedUsd.subtract(ourCostUsd);
    }

    public BigDecimal amount(DifferenceClass kind) {
      return byClass.getOrDefault(kind, BigDecimal.ZERO);
    }

    /** The unexplained amount's share of the bill (absolute), exact to 12 digits; zero for an empty bill. */
    public BigDecimal unexplainedShare() {
      return billedUsd.signum() == 0 ? BigDecimal.ZERO
          : amount(DifferenceClass.UNEXPLAINED).abs().divide(billedUsd.abs(), 12, RoundingMode.HALF_EVEN);
    }
  }

  /** The period's reconciliation. */
  public record Report(YearMonth period, String provider, List<Row> rows, List<Finding> findings, List<TeamRow> teams,
      List<Unmapped> unmapped, Summary summary, Map<String, Summary> byDay, List<String> notes) {}

  private Reconciliation() {}

  /** Bill figures of a cell. */
  private static final class Billed {
    long tokens;
    BigDecimal amount = BigDecimal.ZERO;
    boolean hasAmount;
    long longContextTokens;
    final Set<String> contextWindows = new TreeSet<>();
    /** Tokens per team their identities map to ({@link #UNMAPPED} for the rest), and those identities. */
    final Map<String, Long> byTeam = new TreeMap<>();
    final Map<String, Set<String>> identities = new TreeMap<>();
    /** Bill lines with an amount: the rounding bound scales with them. */
    BigDecimal billBound = BigDecimal.ZERO;
  }

  /** The team of bill tokens whose identity no mapping names. */
  static final String UNMAPPED = "(unmapped)";

  /** The month of the ledger's buckets against the bill. */
  public static Report reconcile(YearMonth period, String providerFilter, Iterable<UsageAggregate> buckets,
      PriceBook catalog, Collection<BillLine> lines, BillMap map, Settings settings) {
    Instant from = period.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = period.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return reconcile(period, providerFilter, LedgerCells.of(buckets, catalog, from, to), catalog, lines, map, settings);
  }

  /** The month of the ledger's cells against the bill. */
  public static Report reconcile(YearMonth period, String providerFilter, LedgerCells ours, PriceBook catalog,
      Collection<BillLine> lines, BillMap map, Settings settings) {
    List<String> notes = new ArrayList<>();
    ours.cells.keySet().removeIf(c -> !inPeriod(c.day(), period));
    if (ours.unqualifiedBuckets > 0) {
      notes.add(ours.unqualifiedBuckets + " ledger buckets were kept before figures named their provider: no bill can "
          + "be matched with them (see docs/operations.md, upgrading to provider-qualified figures)");
    }
    ours.cells.keySet().removeIf(c -> providerFilter != null && !c.provider().equals(providerFilter));

    Map<Cell, Billed> billed = new TreeMap<>();
    Set<String> withTokens = new HashSet<>();
    Set<String> withAmounts = new HashSet<>();
    Map<Cell.Group, Map<String, Long>> identityTokens = new HashMap<>();
    Map<String, String> identityTeam = new HashMap<>();
    Map<TeamKey, Long> teamBill = new HashMap<>();
    Map<String, Unmapped> unmapped = new TreeMap<>();
    List<Finding> findings = new ArrayList<>();
    Map<Cell, BigDecimal> uncompared = new TreeMap<>();
    for (BillLine line : lines) {
      if (!inPeriod(line.getDay(), period) || providerFilter != null && !line.getProvider().equals(providerFilter)) {
        continue;
      }
      String dayProvider = line.getDay() + "|" + line.getProvider();
      String model = line.getModel() == null ? ALL_MODELS : map.model(line.getProvider(), line.getDay(), line.getModel());
      String type = line.getTokenType();
      BigDecimal amount = line.getAmount() == null ? null : new BigDecimal(line.getAmount());
      if (amount != null && line.getCurrency() != null && !line.getCurrency().equals("USD")) {
        Cell cell = new Cell(line.getDay(), line.getProvider(), model, line.getServiceTier(), "all");
        findings.add(new Finding(cell, DifferenceClass.UNEXPLAINED, 0, BigDecimal.ZERO, null, null, "billed "
            + amount.toPlainString() + " " + line.getCurrency() + ": the ledger is in USD, and amounts in two "
            + "currencies are never compared", List.of()));
        continue;
      }
      String label = label(line);
      Optional<BillMap.Owner> owner = map.owner(line.getProvider(), line.getDay(), line.getApiKey(), line.getAccount());
      if (owner.isEmpty() && line.getTokens() != null) {
        unmapped.merge(line.getProvider() + "\u0000" + label, new Unmapped(line.getProvider(), label,
            line.getTokens() == null ? 0 : line.getTokens(), amount == null ? BigDecimal.ZERO : amount, line.getDay(),
            line.getDay()), Reconciliation::mergeUnmapped);
      }
      if (!BilledType.isBilled(type)) {
        if (amount != null && amount.signum() != 0) {
          withAmounts.add(dayProvider);
          // Not split by model and type, or not tokens at all: compared with nothing, classified as such.
          Cell cell = new Cell(line.getDay(), line.getProvider(), model, line.getServiceTier(),
              type == null ? "not tokens" : "all");
          uncompared.merge(cell, amount, BigDecimal::add);
        }
        continue;
      }
      Cell cell = new Cell(line.getDay(), line.getProvider(), model, line.getServiceTier(), type);
      Billed b = billed.computeIfAbsent(cell, c -> new Billed());
      if (line.getTokens() != null) {
        withTokens.add(dayProvider);
        b.tokens = Math.addExact(b.tokens, line.getTokens());
        if (line.getContextWindow() != null) {
          b.contextWindows.add(line.getContextWindow());
          if (!line.getContextWindow().startsWith("0-")) {
            b.longContextTokens += line.getTokens();
          }
        }
        Cell.Group group = cell.group();
        identityTokens.computeIfAbsent(group, g -> new TreeMap<>()).merge(label, line.getTokens(), Long::sum);
        owner.ifPresent(o -> {
          identityTeam.put(label, o.team());
          teamBill.merge(new TeamKey(group, o.team()), line.getTokens(), Long::sum);
        });
        String team = owner.map(BillMap.Owner::team).orElse(UNMAPPED);
        b.byTeam.merge(team, line.getTokens(), Long::sum);
        b.identities.computeIfAbsent(team, t -> new TreeSet<>())
            .add(owner.isPresent() ? label + " (team " + team + ")" : label + " (unmapped)");
      }
      if (amount != null) {
        withAmounts.add(dayProvider);
        b.hasAmount = true;
        b.amount = b.amount.add(amount);
        b.billBound = b.billBound.add(amount.ulp().divide(BigDecimal.valueOf(2))).add(settings.toleranceUsdPerLine());
      }
    }

    // Only what the bill covers is compared: a day the bill does not have yet is not a difference.
    Set<Cell> cells = new TreeSet<>(billed.keySet());
    for (Cell c : ours.cells.keySet()) {
      if (withTokens.contains(c.day() + "|" + c.provider()) || withAmounts.contains(c.day() + "|" + c.provider())) {
        cells.add(c);
      }
    }
    Map<String, TreeSet<String>> notCovered = new TreeMap<>();
    ours.cells.keySet().stream().filter(c -> !cells.contains(c))
        .forEach(c -> notCovered.computeIfAbsent(c.provider(), p -> new TreeSet<>()).add(c.day()));
    notCovered.forEach((p, days) -> notes.add("the ledger has " + p + " usage on " + (days.size() == 1 ? days.first()
        : days.size() + " days from " + days.first() + " to " + days.last()) + " that no imported bill covers: not "
        + "compared"));

    List<Row> rows = new ArrayList<>();
    Map<Cell.Group, List<Cell>> groups = new TreeMap<>();
    cells.forEach(c -> groups.computeIfAbsent(c.group(), g -> new ArrayList<>()).add(c));
    Map<Cell, BigDecimal> price = new HashMap<>();
    Map<Cell, BigDecimal> ourPriceOf = new HashMap<>();
    Map<Cell, BigDecimal> billedAmount = new HashMap<>();
    Map<Cell, BigDecimal> bounds = new HashMap<>();
    for (Map.Entry<Cell.Group, List<Cell>> group : groups.entrySet()) {
      String dayProvider = group.getKey().day() + "|" + group.getKey().provider();
      boolean tokensKnown = withTokens.contains(dayProvider);
      boolean amountsKnown = withAmounts.contains(dayProvider);
      // Tokens the bill has minus ours, per cell and team.
      Map<String, Map<Cell, Long>> byTeam = new TreeMap<>();
      Values values = new Values(price, ourPriceOf);
      for (Cell c : group.getValue()) {
        LedgerCells.Figures o = ours.cells.get(c);
        Billed b = billed.getOrDefault(c, new Billed());
        long oTokens = o == null ? 0 : o.tokens;
        BigDecimal ourPrice = catalogPrice(catalog, c);
        BigDecimal u;
        if (b.tokens > 0 && b.hasAmount) {
          u = b.amount.divide(BigDecimal.valueOf(b.tokens), PRICE_SCALE, RoundingMode.HALF_EVEN);
        } else if (ourPrice != null) {
          u = ourPrice.setScale(PRICE_SCALE, RoundingMode.HALF_EVEN);
        } else if (oTokens > 0) {
          u = o.cost.divide(BigDecimal.valueOf(oTokens), PRICE_SCALE, RoundingMode.HALF_EVEN);
        } else {
          u = BigDecimal.ZERO;
        }
        price.put(c, u);
        // What the ledger charged a token of the cell: its price, else its cost per token, else the bill's.
        ourPriceOf.put(c, ourPrice != null ? ourPrice.setScale(PRICE_SCALE, RoundingMode.HALF_EVEN)
            : oTokens > 0 ? o.cost.divide(BigDecimal.valueOf(oTokens), PRICE_SCALE, RoundingMode.HALF_EVEN) : u);
        // Without a cost export the bill's amount is its tokens at our prices: only tokens are compared.
        billedAmount.put(c, amountsKnown ? b.amount : u.multiply(BigDecimal.valueOf(b.tokens)));
        if (tokensKnown) {
          Set<String> teams = new TreeSet<>(b.byTeam.keySet());
          if (o != null) {
            teams.addAll(o.byTeam.keySet());
          }
          for (String team : teams) {
            long diff = b.byTeam.getOrDefault(team, 0L) - (o == null ? 0L : o.byTeam.getOrDefault(team, 0L));
            byTeam.computeIfAbsent(team, t -> new LinkedHashMap<>()).put(c, diff);
          }
        }
        // The bill's amount is rounded once per line; its price of a token then carries that error to each of ours.
        BigDecimal scale = b.tokens > 0 && oTokens > b.tokens
            ? BigDecimal.valueOf(oTokens).divide(BigDecimal.valueOf(b.tokens), 12, RoundingMode.CEILING) : BigDecimal.ONE;
        long events = o == null ? 0 : o.events;
        bounds.put(c, b.billBound.multiply(scale).add(HALF_NANO.multiply(BigDecimal.valueOf(events)))
            .add(PER_TOKEN_ERROR.multiply(BigDecimal.valueOf(Math.max(oTokens, b.tokens)))));
      }
      // Within each team first (its tokens in another tier or cache duration). A team the bill names keeps what
      // is left as its own; the rest (teams the bill cannot name, tokens of unmapped identities) is pooled.
      Set<String> billTeams = new TreeSet<>();
      group.getValue().forEach(c -> billed.getOrDefault(c, new Billed()).byTeam.keySet().forEach(billTeams::add));
      billTeams.remove(UNMAPPED);
      Map<Cell, Long> pooled = new LinkedHashMap<>();
      group.getValue().forEach(c -> pooled.put(c, 0L));
      Map<Cell, List<String>> unnamed = new HashMap<>();
      for (Map.Entry<String, Map<Cell, Long>> team : byTeam.entrySet()) {
        Map<Cell, Long> residual = new LinkedHashMap<>();
        group.getValue().forEach(c -> residual.put(c, team.getValue().getOrDefault(c, 0L)));
        String who = team.getKey().equals(UNMAPPED) ? null : team.getKey();
        pairCacheDurations(group.getValue(), residual, values, findings, who);
        pairTiers(group.getValue(), residual, values, findings, who);
        if (billTeams.contains(team.getKey())) {
          residual.forEach((c, left) -> missingOrExtra(c, left, values, findings, team.getKey(),
              identities(billed.get(c), team.getKey())));
        } else {
          residual.forEach((c, left) -> {
            pooled.merge(c, left, Long::sum);
            if (left > 0) {
              unnamed.computeIfAbsent(c, x -> new ArrayList<>()).addAll(identities(billed.get(c), team.getKey()));
            }
          });
        }
      }
      pairCacheDurations(group.getValue(), pooled, values, findings, null);
      pairTiers(group.getValue(), pooled, values, findings, null);
      pooled.forEach((c, left) -> missingOrExtra(c, left, values, findings, null, unnamed.getOrDefault(c, List.of())));
      for (Cell c : group.getValue()) {
        LedgerCells.Figures o = ours.cells.get(c);
        Billed b = billed.getOrDefault(c, new Billed());
        BigDecimal ourCost = o == null ? BigDecimal.ZERO : o.cost;
        long oTokens = o == null ? 0 : o.tokens;
        BigDecimal difference = billedAmount.get(c).subtract(ourCost);
        BigDecimal pricePart = difference.subtract(values.tokenPart(c));
        BigDecimal bound = bounds.get(c);
        if (pricePart.signum() != 0) {
          findings.add(pricePart(c, pricePart, bound, tokensKnown, amountsKnown, b, oTokens - values.gone(c),
              price.get(c), catalogPrice(catalog, c)));
        }
        boolean matched = b.tokens == oTokens && difference.abs().compareTo(bound) <= 0 || !tokensKnown
            && difference.abs().compareTo(bound) <= 0;
        rows.add(new Row(c, oTokens, ourCost, b.tokens, billedAmount.get(c), !amountsKnown, difference, bound, matched));
      }
    }
    uncompared.forEach((c, amount) -> {
      boolean notTokens = c.type().equals("not tokens");
      findings.add(new Finding(c, notTokens ? DifferenceClass.NOT_METERED : DifferenceClass.UNEXPLAINED, 0, amount,
          null, null, notTokens ? "charges that are not model tokens (tools, fees): tokenledger does not meter them"
              : "an amount not split by model and token type: fetch the costs grouped by line item (OpenAI) or by "
                  + "description (Anthropic) to explain it", List.of()));
      rows.add(new Row(c, 0, BigDecimal.ZERO, 0, amount, false, amount, BigDecimal.ZERO, false));
    });
    rows.sort(java.util.Comparator.comparing(Row::cell));
    findings.sort(java.util.Comparator.comparing(Finding::cell).thenComparing(Finding::kind));
    List<TeamRow> teams = teamRows(withTokens, teamBill, ours, identityTokens, identityTeam, providerFilter);
    return new Report(period, providerFilter, rows, findings, teams, List.copyOf(unmapped.values()),
        summary(rows, findings, null), byDay(rows, findings), notes);
  }

  private record TeamKey(Cell.Group group, String team) {}

  private static List<String> identities(Billed b, String team) {
    return b == null ? List.of() : List.copyOf(b.identities.getOrDefault(team, Set.of()));
  }

  /** Tokens left after pairing: the bill's are missing on our side, ours are extra on it. */
  private static void missingOrExtra(Cell c, long left, Values values, List<Finding> findings, String team,
      List<String> who) {
    String whose = team == null ? "" : "team " + team + ": ";
    if (left > 0) {
      findings.add(new Finding(c, DifferenceClass.MISSING_ON_OUR_SIDE, left, values.billed(c, left), null, null,
          whose + "the bill has " + count(left) + " " + c.type() + " tokens the ledger never recorded"
              + (who.isEmpty() ? "" : ", billed to " + String.join(", ", who)), who));
    } else if (left < 0) {
      findings.add(new Finding(c, DifferenceClass.EXTRA_ON_OUR_SIDE, -left, values.ours(c, left), null, null,
          whose + "the ledger has " + count(-left) + " " + c.type() + " tokens the bill does not: usage counted twice "
              + "would be a bug (report it), or it is billed elsewhere (another account, provider or day)",
          team == null ? List.of() : List.of("team " + team)));
    }
  }

  /**
   * What the token differences of a group are worth, per cell: tokens only the bill has at the
   * bill's price of the cell (what it charged), tokens only we have at ours (what we charged). The
   * rest of a cell's difference is its price part.
   */
  private static final class Values {
    private final Map<Cell, BigDecimal> billPrice;
    private final Map<Cell, BigDecimal> ourPrice;
    private final Map<Cell, BigDecimal> tokenPart = new HashMap<>();
    private final Map<Cell, Long> gone = new HashMap<>();

    Values(Map<Cell, BigDecimal> billPrice, Map<Cell, BigDecimal> ourPrice) {
      this.billPrice = billPrice;
      this.ourPrice = ourPrice;
    }

    /** Tokens the bill has in the cell and we do not. */
    BigDecimal billed(Cell c, long tokens) {
      BigDecimal value = billPrice.get(c).multiply(BigDecimal.valueOf(tokens));
      tokenPart.merge(c, value, BigDecimal::add);
      return value;
    }

    /** Tokens we have in the cell and the bill does not (negative). */
    BigDecimal ours(Cell c, long negativeTokens) {
      BigDecimal value = ourPrice.get(c).multiply(BigDecimal.valueOf(negativeTokens));
      tokenPart.merge(c, value, BigDecimal::add);
      gone.merge(c, -negativeTokens, Long::sum);
      return value;
    }

    BigDecimal tokenPart(Cell c) {
      return tokenPart.getOrDefault(c, BigDecimal.ZERO);
    }

    /** Our tokens of the cell that the bill has elsewhere or not at all. */
    long gone(Cell c) {
      return gone.getOrDefault(c, 0L);
    }
  }

  private static Finding pricePart(Cell c, BigDecimal part, BigDecimal bound, boolean tokensKnown,
      boolean amountsKnown, Billed b, long oTokens, BigDecimal u, BigDecimal ourPrice) {
    if (part.abs().compareTo(bound) <= 0) {
      return new Finding(c, DifferenceClass.ROUNDING, 0, part, null, null, "within the rounding bound of "
          + io.tokenledger.schemas.money.MoneyFormat.usd(bound.movePointRight(9).setScale(0, RoundingMode.CEILING)
              .longValueExact()), List.of());
    }
    if (!amountsKnown) {
      return new Finding(c, DifferenceClass.UNEXPLAINED, 0, part, null, null, "no cost export of " + c.provider()
          + " for " + c.day() + " is imported, and the ledger's cost is not its tokens at the catalog's prices: "
          + "import the cost export to compare amounts", List.of());
    }
    if (!tokensKnown) {
      return new Finding(c, DifferenceClass.UNEXPLAINED, 0, part, null, null, "no usage export of " + c.provider()
          + " for " + c.day() + " is imported: import it to explain the difference", List.of());
    }
    if (b.tokens > 0 && oTokens > 0 && b.hasAmount) {
      BigDecimal implied = u.multiply(MILLION).stripTrailingZeros();
      BigDecimal oursPerMillion = ourPrice == null ? null : ourPrice.multiply(MILLION).stripTrailingZeros();
      if (b.longContextTokens > 0) {
        return new Finding(c, DifferenceClass.TIER_CLASSIFICATION, b.longContextTokens, part, implied, oursPerMillion,
            "the bill prices " + count(b.longContextTokens) + " tokens in the " + String.join(", ", b.contextWindows)
                + " context bands apart: check the catalog's long-context tier of " + c.model(), List.of());
      }
      return new Finding(c, DifferenceClass.PRICE_DRIFT, oTokens, part, implied, oursPerMillion, "the bill's price of "
          + c.type() + " tokens is " + implied.toPlainString() + " USD per 1M, the catalog's "
          + (oursPerMillion == null ? "none" : oursPerMillion.toPlainString()), List.of());
    }
    if (b.tokens == 0 && b.hasAmount) {
      return new Finding(c, DifferenceClass.UNEXPLAINED, 0, part, null, null, "billed for " + c.type()
          + " tokens the usage export does not show", List.of());
    }
    if (b.tokens > 0 && !b.hasAmount) {
      return new Finding(c, DifferenceClass.UNEXPLAINED, 0, part, null, null, "the usage export shows " + b.tokens
          + " tokens the cost export bills nothing for", List.of());
    }
    return new Finding(c, DifferenceClass.UNEXPLAINED, 0, part, null, null, "no rule explains it", List.of());
  }

  /** 5-minute and 1-hour cache writes of one tier: tokens the bill has in the other duration. */
  private static void pairCacheDurations(List<Cell> cells, Map<Cell, Long> residual, Values price,
      List<Finding> findings, String team) {
    Map<String, Cell[]> byTier = new TreeMap<>();
    for (Cell c : cells) {
      int slot = c.type().equals("cache_write") ? 0 : c.type().equals("cache_write_1h") ? 1 : -1;
      if (slot >= 0) {
        byTier.computeIfAbsent(String.valueOf(c.tier()), t -> new Cell[2])[slot] = c;
      }
    }
    for (Cell[] pair : byTier.values()) {
      if (pair[0] != null && pair[1] != null) {
        move(pair[0], pair[1], residual, price, findings, DifferenceClass.CACHE_CLASSIFICATION, team);
        move(pair[1], pair[0], residual, price, findings, DifferenceClass.CACHE_CLASSIFICATION, team);
      }
    }
  }

  /** One token type in several tiers: tokens the bill has in another tier than we recorded. */
  private static void pairTiers(List<Cell> cells, Map<Cell, Long> residual, Values price,
      List<Finding> findings, String team) {
    Map<String, List<Cell>> byType = new TreeMap<>();
    cells.forEach(c -> byType.computeIfAbsent(c.type(), t -> new ArrayList<>()).add(c));
    for (List<Cell> sameType : byType.values()) {
      for (Cell from : sameType) {
        for (Cell into : sameType) {
          if (from != into) {
            move(from, into, residual, price, findings, DifferenceClass.TIER_CLASSIFICATION, team);
          }
        }
      }
    }
  }

  /** Tokens we have in {@code from} and the bill in {@code into}: moved, valued at each cell's price. */
  private static void move(Cell from, Cell into, Map<Cell, Long> residual, Values price,
      List<Finding> findings, DifferenceClass kind, String team) {
    long ours = -residual.get(from);
    long theirs = residual.get(into);
    long moved = Math.min(ours, theirs);
    if (moved <= 0) {
      return;
    }
    residual.put(from, residual.get(from) + moved);
    residual.put(into, residual.get(into) - moved);
    BigDecimal amount = price.billed(into, moved).add(price.ours(from, -moved));
    String what = kind == DifferenceClass.CACHE_CLASSIFICATION
        ? count(moved) + " cache-write tokens recorded as " + duration(from) + " are billed as " + duration(into)
        : count(moved) + " " + from.type() + " tokens recorded in the " + tierName(from) + " tier are billed in the "
            + tierName(into) + " tier";
    findings.add(new Finding(into, kind, moved, amount, null, null, (team == null ? "" : "team " + team + ": ") + what,
        team == null ? List.of() : List.of("team " + team)));
  }

  private static String count(long tokens) {
    return String.format(java.util.Locale.ROOT, "%,d", tokens);
  }

  private static String duration(Cell c) {
    return c.type().equals("cache_write_1h") ? "1-hour writes" : "5-minute writes";
  }

  private static String tierName(Cell c) {
    return c.tier() == null ? "standard" : c.tier();
  }

  private static List<TeamRow> teamRows(Set<String> withTokens, Map<TeamKey, Long> teamBill, LedgerCells ours,
      Map<Cell.Group, Map<String, Long>> identityTokens, Map<String, String> identityTeam, String providerFilter) {
    Map<TeamKey, long[]> rows = new TreeMap<>(java.util.Comparator.comparing((TeamKey k) -> k.group())
        .thenComparing(TeamKey::team));
    teamBill.forEach((k, tokens) -> rows.computeIfAbsent(k, x -> new long[2])[1] += tokens);
    ours.teamTokens.forEach((k, tokens) -> {
      TeamKey key = new TeamKey(k.group(), k.team());
      if (withTokens.contains(k.group().day() + "|" + k.group().provider())
          && (providerFilter == null || providerFilter.equals(k.group().provider()))) {
        rows.computeIfAbsent(key, x -> new long[2])[0] += tokens;
      }
    });
    List<TeamRow> out = new ArrayList<>();
    rows.forEach((k, v) -> {
      List<String> ids = identityTokens.getOrDefault(k.group(), Map.of()).keySet().stream()
          .filter(id -> k.team().equals(identityTeam.get(id))).toList();
      out.add(new TeamRow(k.group(), k.team(), v[0], v[1], ids));
    });
    return out;
  }

  /** One day's and provider's summary of a report. */
  public static Summary summaryOf(Report report, String day, String provider) {
    return summary(report.rows().stream().filter(r -> r.cell().provider().equals(provider)).toList(),
        report.findings().stream().filter(f -> f.cell().provider().equals(provider)).toList(), day);
  }

  private static Summary summary(List<Row> rows, List<Finding> findings, String day) {
    BigDecimal our = BigDecimal.ZERO;
    BigDecimal bill = BigDecimal.ZERO;
    int matched = 0;
    int count = 0;
    for (Row r : rows) {
      if (day == null || r.cell().day().equals(day)) {
        our = our.add(r.ourCostUsd());
        bill = bill.add(r.billedUsd());
        count++;
        matched += r.matched() ? 1 : 0;
      }
    }
    Map<DifferenceClass, BigDecimal> byClass = new EnumMap<>(DifferenceClass.class);
    for (Finding f : findings) {
      if (day == null || f.cell().day().equals(day)) {
        byClass.merge(f.kind(), f.amountUsd(), BigDecimal::add);
      }
    }
    return new Summary(our, bill, count, matched, byClass);
  }

  private static Map<String, Summary> byDay(List<Row> rows, List<Finding> findings) {
    Map<String, Summary> out = new TreeMap<>();
    rows.stream().map(r -> r.cell().day()).distinct().forEach(d -> out.put(d, summary(rows, findings, d)));
    return out;
  }

  private static BigDecimal catalogPrice(PriceBook catalog, Cell c) {
    TokenKind kind = c.type().equals("output") ? TokenKind.OUTPUT : kindOf(c.type());
    if (kind == null) {
      return null;
    }
    long at = LocalDate.parse(c.day()).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    Optional<PricedVersion> version = catalog.pricedOf(new ProviderModel(c.provider(), c.model()), at);
    return version.map(v -> v.forTier(c.tier()).usdPerMillion(kind).divide(MILLION, MathContext.DECIMAL128))
        .orElse(null);
  }

  private static TokenKind kindOf(String type) {
    for (TokenKind kind : TokenKind.ALL) {
      if (kind.wireName().equals(type)) {
        return kind;
      }
    }
    return null;
  }

  private static String label(BillLine line) {
    if (line.getApiKey() != null) {
      return "key " + line.getApiKey();
    }
    if (line.getAccount() == null || line.getAccount().isEmpty()) {
      return line.getProvider().equals("anthropic") ? "the default workspace" : "(no account)";
    }
    String word = switch (line.getProvider()) {
      case "openai" -> "project ";
      case "anthropic" -> "workspace ";
      default -> "account ";
    };
    return word + line.getAccount();
  }

  private static Unmapped mergeUnmapped(Unmapped a, Unmapped b) {
    return new Unmapped(a.provider(), a.identity(), a.tokens() + b.tokens(), a.amountUsd().add(b.amountUsd()),
        a.firstDay().compareTo(b.firstDay()) <= 0 ? a.firstDay() : b.firstDay(),
        a.lastDay().compareTo(b.lastDay()) >= 0 ? a.lastDay() : b.lastDay());
  }

  private static boolean inPeriod(String day, YearMonth period) {
    return YearMonth.from(LocalDate.parse(day)).equals(period);
  }
}
