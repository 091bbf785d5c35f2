package io.tokenledger.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Wait for a condition with a bound; never sleep-and-hope. */
public final class Await {
  private static final long POLL_MILLIS = 50;

  private Await() {}

  public static void until(Duration bound, BooleanSupplier condition, Supplier<String> whatWeWaitedFor) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + bound + " waiting for: " + whatWeWaitedFor.get());
      }
      try {
        Thread.sleep(POLL_MILLIS); // poll interval between checks of the condition, not a wait for an outcome
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for: " + whatWeWaitedFor.get(), e);
      }
    }
  }

  /** The first non-null value {@code get} gives within the bound. */
  public static <T> T value(Duration bound, Supplier<T> get, String whatWeWaitedFor) {
    java.util.concurrent.atomic.AtomicReference<T> found = new java.util.concurrent.atomic.AtomicReference<>();
    until(bound, () -> {
      found.set(get.get());
      return found.get() != null;
    }, () -> whatWeWaitedFor);
    return found.get();
  }
}
