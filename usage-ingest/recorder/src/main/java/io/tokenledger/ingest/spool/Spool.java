package io.tokenledger.ingest.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local, append-only, size-bounded store of records that could not be handed to Kafka.
 *
 * <p>Records live in segment files {@code segment-<sequence>.spool}, oldest first; each
 * record is framed as a 4-byte length, a 4-byte CRC32C of the payload, then the payload. One
 * writer thread appends with group commit (see {@link FsyncPolicy}); {@link #append} only
 * enqueues. A reader takes sealed segments oldest first and deletes each after it has been
 * delivered. A crash mid-write leaves a torn last record, which reading ignores. A segment
 * that is damaged (a checksum mismatch) is moved to {@code quarantine/} by its reader, never
 * deleted, so that later segments are still delivered.
 */
public final class Spool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Spool.class);
  private static final int FRAME_HEADER = 8;
  private static final int MAX_BATCH = 4_096;

  private final Path directory;
  private final long maxBytes;
  private final long segmentBytes;
  private final FsyncPolicy fsync;
  private final BlockingQueue<Pending> pending;
  private final AtomicLong usedBytes = new AtomicLong();
  private final Thread writer;
  private final Object segmentLock = new Object();
  private volatile boolean closing;

  private long activeSequence;
  private FileChannel active;
  private long activeSize;

  private record Pending(byte[] payload, CompletableFuture<Void> durable) {}

  private Spool(Path directory, long maxBytes, long segmentBytes, FsyncPolicy fsync, int queueCapacity)
      throws IOException {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    this.fsync = fsync;
    this.pending = new ArrayBlockingQueue<>(queueCapacity);
    Files.createDirectories(directory);
    long highest = 0;
    for (Path segment : segmentsOnDisk()) {
      usedBytes.addAndGet(Files.size(segment));
      highest = Math.max(highest, sequenceOf(segment));
    }
    openActive(highest + 1);
    this.writer = new Thread(this::writeLoop, "tokenledger-spool-writer");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  public static Spool open(Path directory, long maxBytes, long segmentBytes, FsyncPolicy fsync) throws IOException {
    return new Spool(directory, maxBytes, segmentBytes, fsync, 100_000);
  }

  /**
   * Queues a record for the disk. Never blocks. The future completes once the record is
   * written (and fsync'd, under {@link FsyncPolicy#EVERY_BATCH}); it fails with {@link
   * SpoolFullException} when the disk budget is exhausted.
   */
  public CompletableFuture<Void> append(byte[] payload) {
    CompletableFuture<Void> durable = new CompletableFuture<>();
    long frame = FRAME_HEADER + payload.length;
    if (closing) {
      durable.completeExceptionally(new IllegalStateException("Spool " + directory + " is closed"));
    } else if (usedBytes.addAndGet(frame) > maxBytes) {
      usedBytes.addAndGet(-frame);
      durable.completeExceptionally(new SpoolFullException("Spool " + directory + " is full (" + usedBytes.get()
          + " of " + maxBytes + " bytes); free disk or raise the spool budget"));
    } else if (!pending.offer(new Pending(payload, durable))) {
      usedBytes.addAndGet(-frame);
      durable.completeExceptionally(new SpoolFullException("Spool " + directory + " write queue is full"));
    }
    return durable;
  }

  /** Bytes the spool holds or has accepted, counted against its budget. */
  public long usedBytes() {
    return usedBytes.get();
  }

  /** Seals the active segment if it holds anything; returns the sealed segments, oldest first. */
  public List<Path> sealedSegments() {
    synchronized (segmentLock) {
      if (activeSize > 0) {
        rollLocked();
      }
      List<Path> sealed = new ArrayList<>();
      for (Path segment : segmentsOnDisk()) {
        if (sequenceOf(segment) != activeSequence) {
          sealed.add(segment);
        }
      }
      return sealed;
    }
  }

  /**
   * What a sealed segment holds: its readable records, in order, and what made the rest
   * unreadable (null when nothing did). A torn last record, left by a crash mid-write, is not
   * damage: it was never acknowledged as spooled.
   */
  public record SegmentContents(List<byte[]> records, String damage) {}

  /** The readable records of a sealed segment, in order, and any damage found. */
  public static SegmentContents read(Path segment) throws IOException {
    byte[] bytes = Files.readAllBytes(segment);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    List<byte[]> records = new ArrayList<>();
    while (buffer.remaining() >= FRAME_HEADER) {
      int offset = buffer.position();
      int length = buffer.getInt();
      int crc = buffer.getInt();
      if (length < 0 || length > buffer.remaining()) {
        log.warn("Spool segment {} ends with a torn record (crash during write); {} complete records kept",
            segment, records.size());
        break;
      }
      byte[] payload = new byte[length];
      buffer.get(payload);
      if (crc32c(payload) != crc) {
        return new SegmentContents(records, "checksum mismatch at record " + (records.size() + 1) + " (byte "
            + offset + "), " + (bytes.length - offset) + " bytes from there on unreadable");
      }
      records.add(payload);
    }
    return new SegmentContents(records, null);
  }

  /**
   * Moves a damaged segment aside, into {@code quarantine/} of the spool directory, where it is
   * kept for inspection and no longer counts against the budget or blocks later segments.
   *
   * @return where the segment now is
   */
  public Path quarantine(Path segment) throws IOException {
    Path quarantine = directory.resolve("quarantine");
    Files.createDirectories(quarantine);
    long size = Files.size(segment);
    Path moved = Files.move(segment, quarantine.resolve(segment.getFileName()));
    usedBytes.addAndGet(-size);
    return moved;
  }

  /** Removes a delivered segment and returns its bytes to the budget. */
  public void delete(Path segment) throws IOException {
    long size = Files.size(segment);
    Files.delete(segment);
    usedBytes.addAndGet(-size);
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    try {
      while (!closing || !pending.isEmpty()) {
        Pending first = pending.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        pending.drainTo(batch, MAX_BATCH - 1);
        write(batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void write(List<Pending> batch) {
    try {
      synchronized (segmentLock) {
        for (Pending p : batch) {
          ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER + p.payload().length);
          frame.putInt(p.payload().length).putInt(crc32c(p.payload())).put(p.payload()).flip();
          while (frame.hasRemaining()) {
            active.write(frame);
          }
          activeSize += FRAME_HEADER + p.payload().length;
        }
        if (fsync == FsyncPolicy.EVERY_BATCH) {
          active.force(false);
        }
        if (activeSize >= segmentBytes) {
          rollLocked();
        }
      }
      batch.forEach(p -> p.durable().complete(null));
    } catch (IOException e) {
      log.error("Cannot write {} records to the spool in {}: {}. They are lost unless Kafka takes them.",
          batch.size(), directory, e.toString());
      batch.forEach(p -> {
        usedBytes.addAndGet(-(FRAME_HEADER + p.payload().length));
        p.durable().completeExceptionally(e);
      });
    }
  }

  private void rollLocked() {
    try {
      active.force(true);
      active.close();
      openActive(activeSequence + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot roll spool segment in " + directory, e);
    }
  }

  private void openActive(long sequence) throws IOException {
    activeSequence = sequence;
    active = FileChannel.open(directory.resolve(String.format("segment-%020d.spool", sequence)),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    activeSize = active.size();
  }

  private List<Path> segmentsOnDisk() {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(p -> p.getFileName().toString().matches("segment-\\d{20}\\.spool")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list spool directory " + directory, e);
    }
  }

  private static long sequenceOf(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring("segment-".length(), name.length() - ".spool".length()));
  }

  private static int crc32c(byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload);
    return (int) crc.getValue();
  }

  /** Writes everything queued, fsyncs and closes. An empty active segment is removed. */
  @Override
  public void close() throws IOException {
    closing = true;
    try {
      writer.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (segmentLock) {
      active.force(true);
      active.close();
      Path activePath = directory.resolve(String.format("segment-%020d.spool", activeSequence));
      if (activeSize == 0) {
        Files.deleteIfExists(activePath);
      }
    }
  }
}
