package io.tokenledger.aggregation.window;

import io.tokenledger.platform.streams.WindowSlot;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.internals.WindowKeySchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A window set's windows not final yet, left in a file of the task's directory when its owner
 * closes, so that the next init reads them instead of scanning the store: a window store answers
 * a time range by reading every window of each segment the range touches, up to days of minute
 * windows in production (BENCHMARKS.md, "the window sets' init scan"). Every init puts a token
 * of its own in the progress store (committed with its first commit) and the close writes it in
 * the file; the next init uses the file only when the progress store still holds that token (no
 * other init committed since: the task did not run elsewhere, a standby did not apply another
 * instance's changes) and the progress it was written with (next window to finalise, how many of
 * it are final; after an aborted commit it differs). The file is deleted once read; otherwise the
 * store is scanned. A window the file names that the store does not hold (created after the last
 * commit of a close that was not clean) reads as absent and publishes nothing.
 */
final class NotFinalFile {
  private static final int VERSION = 1;
  private static final Logger log = LoggerFactory.getLogger(NotFinalFile.class);

  private NotFinalFile() {}

  /** Writes the windows not final, by start, with the token and progress they go with; false when it could not. */
  static boolean write(Path file, long token, long nextToFinalize, long doneInFirst,
      List<Map.Entry<Long, List<String>>> starts) {
    Path written = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(written)))) {
        out.writeInt(VERSION);
        out.writeLong(token);
        out.writeLong(nextToFinalize);
        out.writeLong(doneInFirst);
        out.writeInt(starts.size());
        for (Map.Entry<Long, List<String>> start : starts) {
          out.writeLong(start.getKey());
          out.writeInt(start.getValue().size());
          for (String key : start.getValue()) {
            out.writeUTF(key);
          }
        }
      }
      Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return true;
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot leave the windows not final in {} ({}); the next start scans the store for them", file,
          e.toString());
      try {
        Files.deleteIfExists(written);
      } catch (IOException ignored) {
        // nothing was moved into place: the next start finds no file
      }
      return false;
    }
  }

  /**
   * Hands over the file's windows in the store's order and deletes it, if it was written with
   * this token and progress; false (and nothing handed over) when there is none or it does not fit.
   */
  static boolean read(Path file, long token, long nextToFinalize, long doneInFirst, Consumer<WindowSlot> window) {
    if (!Files.exists(file)) {
      return false;
    }
    try {
      List<WindowSlot> slots = new ArrayList<>();
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
        if (in.readInt() != VERSION || in.readLong() != token || in.readLong() != nextToFinalize
            || in.readLong() != doneInFirst) {
          return false;
        }
        int starts = in.readInt();
        for (int s = 0; s < starts; s++) {
          long start = in.readLong();
          int keys = in.readInt();
          for (int k = 0; k < keys; k++) {
            String key = in.readUTF();
            if (start >= nextToFinalize) {
              slots.add(new WindowSlot(key, start));
            }
          }
        }
      }
      inStoreOrder(slots).forEach(window);
      log.debug("{} windows not final read from {}: no scan of the store", slots.size(), file);
      return true;
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot read the windows not final from {} ({}); scanning the store for them", file, e.toString());
      return false;
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        log.warn("Cannot delete {} ({}): a later start may read it again", file, e.toString());
      }
    }
  }

  /**
   * The windows in the order a scan of the store finds them: by their store keys (the window's key,
   * then its start), each key made once rather than at every comparison of the sort.
   */
  private static List<WindowSlot> inStoreOrder(List<WindowSlot> slots) {
    List<Map.Entry<Bytes, WindowSlot>> keyed = new ArrayList<>(slots.size());
    for (WindowSlot slot : slots) {
      keyed.add(Map.entry(WindowKeySchema.toStoreKeyBinary(
          Bytes.wrap(slot.key().getBytes(StandardCharsets.UTF_8)), slot.start(), 0), slot));
    }
    keyed.sort(Map.Entry.comparingByKey());
    return keyed.stream().map(Map.Entry::getValue).toList();
  }
}
