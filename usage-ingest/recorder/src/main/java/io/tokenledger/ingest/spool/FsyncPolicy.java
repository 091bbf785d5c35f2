package io.tokenledger.ingest.spool;

/** When spooled bytes are forced to disk. */
public enum FsyncPolicy {
  /**
   * Group commit: every batch the writer thread takes is written and fsync'd before the
   * events in it are reported spooled. Survives power loss. The default.
   */
  EVERY_BATCH,
  /** Written to the OS page cache only: survives a process crash, not a power loss. */
  NEVER
}
