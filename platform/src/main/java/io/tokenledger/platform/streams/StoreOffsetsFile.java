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
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changelog offsets up to which a store's local state holds every committed value, kept in a
 * small file of its task's directory ({@code <store>.offsets}). Kafka Streams asks a store for
 * them twice: in its start-up pass, and when it initialises the task, to restore from there.
 *
 * <p>Kafka Streams 4.3 opens, on {@code KafkaStreams.start()}, every store of every task it finds
 * in its state directory, asks each for its committed offsets (the lags it reports when it joins
 * the group), then closes them all; the task's initialisation opens them again. With the file,
 * the first of those passes reads a line per changelog instead of opening one RocksDB instance per
 * segment. The start-up pass is recognised by its context's class, Kafka Streams' own; if that
 * class is ever renamed the pass simply opens the stores again (the aggregation's
 * {@code CleanRestartOffsetsIT} counts the opens, and then fails).
 *
 * <p>Under exactly-once ("kept" stores) the file also survives a crash, which is what lets the
 * task's local state survive it: such a store writes only committed values locally, and every so
 * often, once RocksDB has made what it wrote durable, it writes the offset up to which its local
 * state holds every committed value ({@link #checkpoint}). After a crash it answers that offset,
 * and Kafka Streams restores only what the changelog got after it (values are put by key, ids
 * added to a set: replaying from an earlier offset than needed is exact too). A clean close
 * writes the offsets Kafka Streams committed it with. Without exactly-once the file is deleted
 * before the store below is opened (Kafka Streams keeps its own offsets then).
 */
final class StoreOffsetsFile {
  static final String SUFFIX = ".offsets";
  static final String STARTUP_CONTEXT = "org.apache.kafka.streams.processor.internals.StateDirectory$StartupContext";
  private static final Logger log = LoggerFactory.getLogger(StoreOffsetsFile.class);

  private final String store;
  private Path file;
  /** The offsets answered from the file while the store below stays closed; null once it is open. */
  private Map<TopicPartition, Long> answered;
  /** The offsets the file held when the store below was opened, or last written: what a kept store answers. */
  private Map<TopicPartition, Long> kept;
  /** The latest offsets Kafka Streams committed the store with since it was opened. */
  private final Map<TopicPartition, Long> committed = new HashMap<>();

  StoreOffsetsFile(String store) {
    this.store = store;
  }

  /**
   * At the store's init: in Kafka Streams' start-up pass with a readable file, registers
   * {@code root} (no restore happens in that pass) and answers from the file; returns whether it
   * did, else the caller opens the store below as always. Outside the start-up pass, a kept
   * store reads the file (it stays true while the store only ever writes committed values);
   * any other deletes it, as the store below is about to change.
   */
  boolean initFromFile(StateStoreContext context, StateStore root, boolean keep) {
    file = context.stateDir() == null ? null : context.stateDir().toPath().resolve(store + SUFFIX);
    committed.clear();
    answered = null;
    kept = null;
    if (file == null) {
      return false; // a test's context without a directory
    }
    if (!startupPass(context)) {
      if (keep) {
        kept = read(file);
      } else {
        delete();
      }
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

  /** Remembers what Kafka Streams commits the store with: the offsets a clean close writes. */
  void committed(Map<TopicPartition, Long> offsets) {
    committed.putAll(offsets);
  }

  /**
   * The offset up to which the store's local state is known to hold every committed value, but
   * for what it logged itself since it opened: what Kafka Streams last committed it with (a
   * restore's progress, a clean close), else the file's. None when neither names {@code partition}.
   */
  Long known(TopicPartition partition) {
    Long offset = committed.get(partition);
    return offset != null ? offset : kept != null ? kept.get(partition) : null;
  }

  /**
   * A kept store's local state holds every value committed up to {@code offsets}, durably: the
   * file says so from now on (written whole, synced).
   */
  void checkpoint(Map<TopicPartition, Long> offsets) {
    if (file != null && write(file, offsets)) {
      kept = Map.copyOf(offsets);
    }
  }

  /**
   * At close, with the store below still open. After a clean close (nothing logged since the
   * store's last commit) it writes what the store below answers for each committed partition; a
   * store never committed since it opened leaves the file as it is. Any other close is followed
   * by Kafka Streams wiping the task's directory (exactly-once): the file goes first, so that a
   * crash halfway through that wipe cannot leave it beside a store missing some of its files.
   */
  void closing(Function<TopicPartition, Long> below, boolean clean) {
    if (answered != null) {
      answered = null; // closed without opening the store below: the file stays true
      return;
    }
    if (file != null && !clean) {
      delete();
      return;
    }
    if (file == null || committed.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (TopicPartition partition : committed.keySet()) {
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
  static boolean write(Path file, Map<TopicPartition, Long> offsets) {
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
      return true;
    } catch (IOException e) {
      log.warn("Cannot keep the offsets of store {} in {} ({}); the next start opens the store to read them, "
          + "and after a crash rebuilds its task from the changelogs", file.getFileName(), file.getParent(), e.toString());
      return false;
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
