package io.tokenledger.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real files tests read (the LiteLLM price file, the FOCUS spec and the validator's rules):
 * {@code shared/data} beside the checkout, as CI lays it out, found from wherever a module's
 * tests run however deep the module is.
 */
public final class SharedData {
  private SharedData() {}

  /** A file or folder under {@code shared/data}; a path that says it was not found when there is none. */
  public static Path path(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("data").resolve(relative);
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    return Path.of("shared/data", relative + " (not found beside the checkout or above it)");
  }
}
