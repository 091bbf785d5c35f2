package io.tokenledger.devtools.demo;

import io.tokenledger.devtools.demo.DemoCatalog.Items;
import io.tokenledger.devtools.demo.DemoCatalog.Workload;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.WorkOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * A month of the company's AI usage, recorded before the live traffic so that the pages, the
 * forecasts and the exports have a real-looking month: busy afternoons and quiet nights, slow
 * weekends, growth over the month, gpt-4o's price cut on day 12 and invoice extraction's trial of
 * gpt-4o-mini from day 20 (see {@link DemoCatalog}).
 *
 * <p>It is kept small by letting one record stand for many calls where that is honest: a chat
 * workload's calls of an hour are one record (their {@code request_count}, their tokens
 * summed), of one minute for the last 12 hours, so that the anomaly detector's per-minute baselines
 * learn the minutes that live traffic continues; a work item is one record of all its calls,
 * with its outcome, as a service that reports per item would send it. Before the last 12 hours, an
 * hour's records all carry its middle minute: the minute windows the aggregation keeps and
 * publishes are then one per hour, not one per item, and the month is caught up in seconds.
 */
final class MonthOfHistory {
  static final Duration SPAN = Duration.ofDays(30);
  private static final Duration COARSE = Duration.ofHours(1);
  private static final Duration FINE = Duration.ofMinutes(1);
  private static final Duration FINE_FOR = Duration.ofHours(12);
  private static final double HOUR_MILLIS = 3_600_000.0;
  /** The company's clock: the demo starts at 14:00 on a Wednesday, hours since Monday 00:00. */
  private static final double NOW_IN_WEEK = 2 * 24 + 14;

  /** A usage record or an outcome, at its event time; {@code items} work items it starts and decides. */
  record Entry(Instant at, UsageEvent usage, WorkOutcome outcome, int items) {}

  private MonthOfHistory() {}

  /** The start of day {@code day} (1 to 30) of the month of history before {@code now}. */
  static Instant dayStart(Instant now, int day) {
    return now.minus(SPAN).plus(Duration.ofDays(day - 1L));
  }

  /**
   * How busy the company is at {@code t}, 1.0 at {@code now}: a smooth day (0.15 at 02:00, 1.0 at
   * 14:00 on its clock), weekends at a third with evenings in between, and growth from 0.8 a
   * month ago. Smooth, so that per-minute baselines follow it and no hour looks like a spike.
   */
  static double activity(Instant t, Instant now) {
    double hoursBefore = (now.toEpochMilli() - t.toEpochMilli()) / HOUR_MILLIS;
    double inWeek = Math.floorMod((long) Math.floor((NOW_IN_WEEK - hoursBefore) * 60), 168 * 60) / 60.0;
    int day = (int) (inWeek / 24);
    double hour = inWeek - day * 24;
    double diurnal = 0.15 + 0.85 * (1 + Math.cos(2 * Math.PI * (hour - 14) / 24)) / 2;
    double weekly;
    if (hour >= 21) {
      weekly = blend(weekday(day), weekday(day + 1), (hour - 21) / 6);
    } else if (hour < 3) {
      weekly = blend(weekday(day - 1), weekday(day), (hour + 3) / 6);
    } else {
      weekly = weekday(day);
    }
    double growth = 1 - 0.2 * Math.min(1, hoursBefore / (SPAN.toHours()));
    return diurnal * weekly * growth;
  }

  private static double weekday(int day) {
    return Math.floorMod(day, 7) >= 5 ? 0.35 : 1.0;
  }

  private static double blend(double from, double to, double x) {
    return from + (to - from) * (1 - Math.cos(Math.PI * x)) / 2;
  }

  /**
   * The month before {@code now} at {@code rate} live events per second at the busiest hour, in
   * time order. It ends where the current minute starts, and its minutes are the calendar's: each
   * minute of the last hours has one record of a minute's calls, and the minute live traffic
   * starts in has none (two records in one minute would look like a spike).
   */
  static List<Entry> generate(Instant now, double rate, Random random) {
    return month(now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES), rate, random);
  }

  private static List<Entry> month(Instant now, double rate, Random random) {
    List<Entry> entries = new ArrayList<>();
    for (Workload w : DemoCatalog.WORKLOADS) {
      if (w.items() == null) {
        chat(w, now, rate, random, entries);
      } else {
        items(w, now, rate, random, entries);
      }
    }
    entries.sort(Comparator.comparing(Entry::at));
    return entries;
  }

  private static void chat(Workload w, Instant now, double rate, Random random, List<Entry> entries) {
    Instant fineFrom = now.minus(FINE_FOR);
    for (Instant t = now.minus(SPAN); t.isBefore(now); ) {
      Duration step = t.isBefore(fineFrom) ? COARSE : FINE;
      double expected = rate * w.share() * step.toSeconds() * activity(t.plus(step.dividedBy(2)), now);
      long calls = Math.round(expected * (0.9 + 0.2 * random.nextDouble()));
      if (calls > 0) {
        Instant at = at(t, now, random);
        long units = w.outcomeEvery() > 0 ? Math.round(calls / w.outcomeEvery()) : 0;
        UsageEvent.Builder event = Fleet.call(w, w.model(), at, random, calls);
        if (units > 0) {
          event.setOutcomeUnit(w.outcomeUnit()).setOutcomeUnits(units).setOutcomeSuccess(true);
        }
        entries.add(new Entry(at, event.build(), null, units > 0 ? 1 : 0));
      }
      t = t.plus(step);
    }
  }

  private static void items(Workload w, Instant now, double rate, Random random, List<Entry> entries) {
    Items shape = w.items();
    Instant altFrom = shape.altModel() == null ? null : dayStart(now, shape.altFromDay());
    double perMinute = rate * w.share() / shape.averageCalls() * 60;
    long sequence = 0;
    for (Instant t = now.minus(SPAN); t.isBefore(now); t = t.plus(FINE)) {
      int count = poisson(perMinute * activity(t, now), random);
      for (int i = 0; i < count; i++) {
        Instant at = at(t, now, random);
        String id = w.workflow() + "-h" + (++sequence);
        DemoCatalog.Variant variant = DemoCatalog.variantOf(w, random);
        if (variant != null && !variant.calls()) {
          // A person does it alone: no call, only its outcome, which starts and decides the item.
          entries.add(new Entry(at, null, Fleet.outcome(w, id, variant.success(), at, random, variant), 1));
          continue;
        }
        DemoCatalog.Trial trial = DemoCatalog.trialOf(w, random);
        boolean alt = trial == null && altFrom != null && !at.isBefore(altFrom) && random.nextBoolean();
        int calls = 1 + random.nextInt(shape.maxCalls());
        UsageEvent usage = (trial != null ? Fleet.call(w, trial.provider(), trial.model(), at, random, calls)
            : Fleet.call(w, alt ? shape.altModel() : w.model(), at, random, calls)).setWorkItemId(id)
            .setVariant(variant == null ? null : variant.name()).build();
        entries.add(new Entry(at, usage, null, 1));
        int after = variant == null ? 30 : variant.outcomeAfterSeconds();
        Instant known = at.plusSeconds(after).isBefore(now) ? at.plusSeconds(after) : now;
        entries.add(new Entry(known, null, Fleet.outcome(w, id, trial != null ? trial.success()
            : alt ? shape.altSuccess() : shape.success(), known,
            random, variant), 0));
      }
    }
  }

  /**
   * When a record of minute {@code t} happened: within that minute in the last 12 hours; before,
   * in the middle minute of its hour.
   */
  private static Instant at(Instant t, Instant now, Random random) {
    Instant minute = t;
    if (t.isBefore(now.minus(FINE_FOR))) {
      long slice = COARSE.toMillis();
      long start = t.toEpochMilli() - Math.floorMod(t.toEpochMilli() - now.toEpochMilli(), slice);
      minute = Instant.ofEpochMilli(start).plus(COARSE.dividedBy(2));
    }
    return minute.plusMillis(random.nextInt(60_000));
  }

  /** Knuth's: fine for the few items a minute of these workloads. */
  private static int poisson(double mean, Random random) {
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    int count = 0;
    while (product > limit) {
      count++;
      product *= random.nextDouble();
    }
    return count;
  }
}
