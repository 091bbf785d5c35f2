package io.tokenledger.platform.streams;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a service's start-up went, as it logs it once when it first runs: from the JVM's start
 * to main's start of Kafka Streams (JVM, topic checks, building the topology, a wipe), from
 * there to RUNNING, and how much of that was restoring which stores. The message is written and
 * read here only, so a tool that reads it from a log ({@code bench restart}) cannot drift from it.
 *
 * @param restoredByStore records restored per store, for every store whose restore began (0 for one with nothing new)
 */
public record StartUpReport(String applicationId, long runningMillis, long toStreamsMillis, long toRunningMillis,
    long restoringMillis, Map<String, Long> restoredByStore) {
  private static final Pattern MESSAGE = Pattern.compile("(\\S+) running (\\d+) ms after its JVM started: (\\d+) ms "
      + "to main's start of Kafka Streams \\(JVM, topic checks, topology\\), (\\d+) ms to RUNNING, of which "
      + "restoring (\\d+) records of (\\d+) stores took (\\d+) ms(?: \\{([^}]*)\\})?");

  public StartUpReport {
    restoredByStore = Map.copyOf(restoredByStore);
  }

  /** Records restored, all stores together. */
  public long restoredRecords() {
    return restoredByStore.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The log line. */
  public String message() {
    return String.format("%s running %d ms after its JVM started: %d ms to main's start of Kafka Streams (JVM, topic "
        + "checks, topology), %d ms to RUNNING, of which restoring %d records of %d stores took %d ms%s", applicationId,
        runningMillis, toStreamsMillis, toRunningMillis, restoredRecords(), restoredByStore.size(), restoringMillis,
        restoredByStore.isEmpty() ? "" : " " + new TreeMap<>(restoredByStore));
  }

  /** The first report in a log's text. */
  public static Optional<StartUpReport> find(String logText) {
    Matcher m = MESSAGE.matcher(logText);
    if (!m.find()) {
      return Optional.empty();
    }
    Map<String, Long> byStore = new TreeMap<>();
    if (m.group(8) != null && !m.group(8).isEmpty()) {
      for (String entry : m.group(8).split(", ")) {
        int equals = entry.lastIndexOf('=');
        byStore.put(entry.substring(0, equals), Long.parseLong(entry.substring(equals + 1)));
      }
    }
    return Optional.of(new StartUpReport(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
        Long.parseLong(m.group(4)), Long.parseLong(m.group(7)), byStore));
  }
}
