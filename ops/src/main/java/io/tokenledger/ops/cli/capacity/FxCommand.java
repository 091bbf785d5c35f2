package io.tokenledger.ops.cli.capacity;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.UsdAmounts;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.currency.EcbRates;
import io.tokenledger.pricing.currency.FxBook;
import io.tokenledger.schemas.FxRate;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.topics.FxKeys;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Reference exchange rates: set, imported from the ECB's CSV, listed, and used to convert. */
@Command(name = "fx", mixinStandardHelpOptions = true,
    description = {"Reference exchange rates by day, with their source: figures are kept in USD and converted on",
        "output (budgets list --currency, export focus --currency), each saying at which rate."},
    subcommands = {FxCommand.Set.class, FxCommand.Import.class, FxCommand.ListRates.class, FxCommand.Convert.class})
public final class FxCommand {
  private FxCommand() {}

  /** The rates on the topic, as a book. */
  public static FxBook book(Map<String, ?> settings, io.tokenledger.schemas.topics.Topics topics) {
    FxBook book = new FxBook();
    CompactedTopics.readLatest(settings, topics.fxRates).values().forEach(book::put);
    return book;
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = {"Sets one day's rate: how many units of --currency one --base buys.",
          "Example: fx set --base EUR --currency USD --rate 1.0812 --date 2026-11-30 --source 'ECB reference rate' --set-by finance"})
  static final class Set implements Callable<Integer> {
    @Mixin KafkaOptions kafka;
    @Option(names = "--base", defaultValue = "EUR", description = "The base currency (default: ${DEFAULT-VALUE}).") String base;
    @Option(names = "--currency", required = true, description = "The quoted currency.") String currency;
    @Option(names = "--rate", required = true, description = "Units of the currency per one base, an exact decimal.") BigDecimal rate;
    @Option(names = "--date", required = true, description = "The day it is for.") LocalDate date;
    @Option(names = "--source", required = true, description = "Where it comes from.") String source;
    @Option(names = "--set-by", required = true, description = "Who sets it.") String setBy;

    @Override
    public Integer call() throws Exception {
      try {
        java.util.Currency.getInstance(base);
        java.util.Currency.getInstance(currency);
      } catch (IllegalArgumentException e) {
        System.err.println("Rate not set: " + base + " and " + currency + " must be ISO 4217 codes (EUR, USD, INR, ...)");
        return 2;
      }
      if (rate.signum() <= 0 || base.equals(currency)) {
        System.err.println("Rate not set: a rate is positive and between two different currencies");
        return 2;
      }
      FxRate fx = FxRate.newBuilder().setBase(base).setCurrency(currency).setRate(rate.toPlainString()).setDate(date)
          .setSource(source).setSetBy(setBy).setUpdatedAt(Instant.now()).build();
      CompactedTopics.write(kafka.settings(), kafka.appliedTopics().fxRates, FxKeys.of(fx), fx);
      System.out.println("Set 1 " + base + " = " + fx.getRate() + " " + currency + " on " + date + " (" + source + ")");
      return 0;
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Imports the ECB's euro reference rates from their CSV (eurofxref-hist.csv or eurofxref.csv).",
          "Example: fx import --file eurofxref-hist.csv --currencies USD,INR,GBP --since 2026-01-01 --set-by finance"})
  static final class Import implements Callable<Integer> {
    @Mixin KafkaOptions kafka;
    @Option(names = "--file", required = true, description = "The CSV file.") Path file;
    @Option(names = "--currencies", split = ",", description = "Only these currencies (default: all; USD is always kept).") List<String> currencies = new ArrayList<>();
    @Option(names = "--since", description = "Only days from this one on.") LocalDate since;
    @Option(names = "--set-by", required = true, description = "Who imports it.") String setBy;

    @Override
    public Integer call() throws Exception {
      List<FxRate> rates;
      java.util.Set<String> wanted = new HashSet<>(currencies);
      if (!wanted.isEmpty()) {
        wanted.add("USD"); // every conversion from USD crosses through the euro's USD rate
      }
      try (Reader reader = Files.newBufferedReader(file)) {
        rates = EcbRates.read(reader, wanted, since, setBy);
      } catch (IllegalArgumentException e) {
        System.err.println("Nothing imported from " + file + ": " + e.getMessage());
        return 2;
      }
      var topic = kafka.appliedTopics().fxRates;
      Map<String, Object> config = io.tokenledger.platform.topics.ClientConfigs.producer(kafka.settings());
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      try (KafkaProducer<String, FxRate> producer = new KafkaProducer<>(config, topic.keySerde().serializer(),
          topic.valueSerde().serializer())) {
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (FxRate rate : rates) {
          sent.add(producer.send(new ProducerRecord<>(topic.name(), FxKeys.of(rate), rate)));
        }
        for (var record : sent) {
          record.get();
        }
      }
      LocalDate first = rates.stream().map(FxRate::getDate).min(Comparator.naturalOrder()).orElse(null);
      LocalDate last = rates.stream().map(FxRate::getDate).max(Comparator.naturalOrder()).orElse(null);
      System.out.printf("Imported %,d rates (%s) from %s to %s, %s.%n", rates.size(),
          rates.stream().map(r -> r.getCurrency().toString()).distinct().sorted().toList(), first, last, EcbRates.SOURCE);
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the rates of a currency, newest first.")
  static final class ListRates implements Callable<Integer> {
    @Mixin KafkaOptions kafka;
    @Option(names = "--currency", required = true, description = "The currency.") String currency;
    @Option(names = "--days", defaultValue = "10", description = "How many days (default: ${DEFAULT-VALUE}).") int days;

    @Override
    public Integer call() throws Exception {
      CompactedTopics.readLatest(kafka.settings(), kafka.appliedTopics().fxRates).values().stream()
          .filter(r -> r.getCurrency().toString().equals(currency) || r.getBase().toString().equals(currency))
          .sorted(Comparator.comparing(FxRate::getDate).reversed()).limit(days)
          .forEach(r -> System.out.println(r.getDate() + ": 1 " + r.getBase() + " = " + r.getRate() + " " + r.getCurrency()
              + " (" + r.getSource() + ", set by " + r.getSetBy() + ")"));
      return 0;
    }
  }

  @Command(name = "convert", mixinStandardHelpOptions = true, description = "Converts an amount of USD on a day, saying at which rate.")
  static final class Convert implements Callable<Integer> {
    @Mixin KafkaOptions kafka;
    @Option(names = "--usd", required = true, description = "The amount, USD.") String usd;
    @Option(names = "--to", required = true, description = "The currency.") String to;
    @Option(names = "--date", description = "The day (default: today, UTC).") LocalDate date;

    @Override
    public Integer call() throws Exception {
      LocalDate day = date != null ? date : LocalDate.now(ZoneOffset.UTC);
      var converted = book(kafka.settings(), kafka.appliedTopics()).convert(UsdAmounts.parse("--usd", usd), to, day);
      if (converted.isEmpty()) {
        System.err.println("No rate for " + to + " on or before " + day + ". Import some: 'tokenledger fx import --file "
            + "eurofxref-hist.csv --set-by ...'.");
        return 1;
      }
      System.out.println(usd(usd) + " = " + MoneyFormat.amount(converted.get().amount(), to) + " (exact "
          + converted.get().amount().toPlainString() + " " + to + ") at " + converted.get().rate().statement()
          + (converted.get().rate().day().equals(day) ? "" : "; no rate on " + day + ", the latest earlier one"));
      return 0;
    }

    private static String usd(String text) {
      return MoneyFormat.usd(UsdAmounts.parse("--usd", text));
    }
  }
}
