package io.tokenledger.devtools.demo;

import java.util.concurrent.atomic.AtomicLong;

/** Failures counted so that a periodic task goes on (one that throws is never run again), with the last one. */
final class Failures {
  private final AtomicLong count = new AtomicLong();
  private volatile String last;

  void add(Throwable failure) {
    count.incrementAndGet();
    last = failure.toString();
  }

  long count() {
    return count.get();
  }

  /** The last failure, or null. */
  String last() {
    return last;
  }
}
