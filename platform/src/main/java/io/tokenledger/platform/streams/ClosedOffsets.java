package io.tokenledger.platform.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changelog offsets a store answered when it was last closed, kept in a small file of its
 * task's directory ({@code <store>.offsets}), so that Kafka Streams' start-up pass does not open
 * its RocksDB instances only to read them.
 *
 * <p>Kafka Streams 4.3 opens, on {@code KafkaStreams.start()}, every store of every task it finds
 * in its state directory, asks each for its committed offsets (the lags it reports when it joins
 * the group), then closes them all; the task's initialisation opens them again. With the file,
 * the first of those passes reads a line per changelog instead of opening one RocksDB instance per
 * segment.
 *
 * <p>The file is true only while the store below is closed: it is written at close from what the
 * store below answers then, and deleted before the store below is opened for anything else, so a
 * crash while it is open leaves no file (and the start-up pass opens the store, as without it).
 * The start-up pass is recognised by its context's class, Kafka Streams' own; if that class is
 * ever renamed the pass simply opens the stores again (the aggregation's
 * {@code CleanRestartOffsetsIT} counts the opens, and then fails).
 */
final class ClosedOffsets {
  static final String SUFFIX = ".offsets";
  static final String STARTUP_CONTEXT = "org.apache.kafka.streams.processor.internals.StateDirectory$StartupContext";
  private static final Logger log = LoggerFactory.getLogger(ClosedOffsets.class);

  private final String store;
  private Path file;
  /** The offsets answered from the file while the store below stays closed; null once it is open. */
  private Map<TopicPartition, Long> answered;
  /** The changelog partitions Kafka Streams committed the store for since it was opened. */
  private final Set<TopicPartition> committed = new HashSet<>();

  ClosedOffsets(String store) {
    this.store = store;
  }

  /**
   * At the store's init: in Kafka Streams' start-up pass with a readable file, registers
   * {@code root} (no restore happens in that pass) and answers from the file; returns whether it
   * did, else the caller opens the store below as always. Outside the start-up pass the file is
   * deleted first: the store below is about to change.
   */
  boolean initFromFile(StateStoreContext context, StateStore root) {
    file = context.stateDir() == null ? null : context.stateDir().toPath().resolve(store + SUFFIX);
    committed.clear();
    answered = null;
    if (file == null) {
      return false; // a test's context without a directory
    }
    if (!startupPass(context)) {
      delete();
      return false;
    }
    Map<TopicPartition, Long> read = read(file);
    if (read == null) {
      return false;
    }
    answered = read;
    context.register(root, NO_RESTORE);
    return true;
  }

  /**
   * Whether the store answers from the file, its store below not opened: then a commit changes
   * nothing (the start-up pass commits back what it was answered, and writes no data) and a
   * close leaves the file as it is.
   */
  boolean fromFile() {
    return answered != null;
  }

  /**
   * The file's offset for {@code partition}; none for a partition it does not name (Kafka Streams
   * then takes the task for corrupt in that pass only, and opens its stores when it initialises it).
   */
  Long offset(TopicPartition partition) {
    return answered.get(partition);
  }

  /** Remembers the partitions Kafka Streams commits the store for: the ones the file will answer. */
  void committed(Map<TopicPartition, Long> offsets) {
    committed.addAll(offsets.keySet());
  }

  /**
   * At close, with the store below still open: writes what it answers for each committed
   * partition. A store never committed since it opened leaves no file.
   */
  void closing(Function<TopicPartition, Long> below) {
    if (answered != null) {
      answered = null; // closed without opening the store below: the file stays true
      return;
    }
    if (file == null || committed.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (TopicPartition partition : committed) {
      Long offset = below.apply(partition);
      if (offset == null) {
        return; // nothing to answer from: the next start opens the store
      }
      offsets.put(partition, offset);
    }
    write(file, offsets);
  }

  static boolean startupPass(StateStoreContext context) {
    return context.getClass().getName().equals(STARTUP_CONTEXT);
  }

  private static final StateRestoreCallback NO_RESTORE = (key, value) -> {
    throw new IllegalStateException("Kafka Streams restored a store it opened only to read its offsets");
  };

  /** The offsets a file holds, or null when there is none or it cannot be read (the store is then opened). */
  static Map<TopicPartition, Long> read(Path file) {
    if (!Files.exists(file)) {
      return null;
    }
    try {
      Map<TopicPartition, Long> offsets = new HashMap<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.split(" ");
        if (parts.length != 3) {
          throw new IOException("a line of three fields expected, found: " + line);
        }
        offsets.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
      }
      return offsets.isEmpty() ? null : offsets;
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot read the offsets {} left at its close ({}); opening the store to read them instead",
          file, e.toString());
      return null;
    }
  }

  /** Writes the file whole or not at all (a temporary file, synced, then moved over it). */
  static void write(Path file, Map<TopicPartition, Long> offsets) {
    StringBuilder text = new StringBuilder();
    offsets.forEach((partition, offset) -> text.append(partition.topic()).append(' ').append(partition.partition())
        .append(' ').append(offset).append('\n'));
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(StandardCharsets.UTF_8.encode(text.toString()));
        channel.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      log.warn("Cannot keep the offsets of closed store {} in {} ({}); the next start opens the store to read them",
          file.getFileName(), file.getParent(), e.toString());
    }
  }

  private void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A file left in place would answer for a store that has changed since: refuse to open it.
      throw new UncheckedIOException("Cannot delete " + file + " before opening store " + store
          + "; remove the file (or the task directory) and start again", e);
    }
  }
}
