package io.tokenledger.platform.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive hold on a data directory for as long as this process runs: an OS file lock on
 * {@code <dir>/<name>}, which also holds the holder's pid so that whoever is refused can be told
 * who has it. The OS releases the lock when the process ends, however it ends (kill -9 included),
 * so a stale file never blocks the next run.
 */
public final class DirectoryLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;
  private final Path file;

  private DirectoryLock(FileChannel channel, FileLock lock, Path file) {
    this.channel = channel;
    this.lock = lock;
    this.file = file;
  }

  /** Thrown when another process (or another user of this one) holds the directory. */
  public static final class HeldException extends IOException {
    private final String holder;

    HeldException(Path dir, String holder) {
      super(dir.toAbsolutePath() + " is in use by " + (holder.isEmpty() ? "another process" : "pid " + holder));
      this.holder = holder;
    }

    /** The holder's pid as it wrote it, or empty when it could not be read. */
    public String holder() {
      return holder;
    }
  }

  /** Takes the lock {@code <dir>/<name>}, creating the directory; fails at once when it is held. */
  public static DirectoryLock acquire(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very process
    }
    if (lock == null) {
      String holder = holderOf(channel);
      channel.close();
      throw new HeldException(dir, holder);
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
    channel.force(false);
    return new DirectoryLock(channel, lock, file);
  }

  private static String holderOf(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(32);
      channel.read(buffer, 0);
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** The lock file, which a wipe of the directory must leave in place. */
  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
