package io.tokenledger.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real files tests read (the LiteLLM price file, the FOCUS spec and the validator's rules),
 * under {@code shared/data}: the nearest one up from the checkout, as CI lays it out beside its
 * clone; else the one named by {@code TOKENLEDGER_SHARED_DATA} (or the system property
 * {@code tokenledger.shared.data}); else, for a clone of a local checkout (a clean check in
 * /tmp), the one beside the checkout it was cloned from.
 */
public final class SharedData {
  private SharedData() {}

  /** A file or folder under {@code shared/data}; a path that says it was not found when there is none. */
  public static Path path(String relative) {
    for (Path data : candidates()) {
      Path candidate = data.resolve(relative);
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    return Path.of("shared/data", relative + " (not found beside the checkout, in TOKENLEDGER_SHARED_DATA, or beside "
        + "the checkout this one was cloned from)");
  }

  private static List<Path> candidates() {
    List<Path> data = new ArrayList<>();
    Path here = Path.of("").toAbsolutePath();
    upward(here, data);
    String named = System.getenv("TOKENLEDGER_SHARED_DATA");
    if (named == null) {
      named = System.getProperty("tokenledger.shared.data");
    }
    if (named != null && !named.isBlank()) {
      data.add(Path.of(named));
    }
    Path origin = localOrigin(here);
    if (origin != null) {
      upward(origin, data);
    }
    return data;
  }

  private static void upward(Path from, List<Path> into) {
    for (Path dir = from; dir != null; dir = dir.getParent()) {
      into.add(dir.resolve("shared").resolve("data"));
    }
  }

  /** The path of the {@code origin} remote when it is a directory on this machine, else null. */
  private static Path localOrigin(Path from) {
    for (Path dir = from; dir != null; dir = dir.getParent()) {
      Path config = dir.resolve(".git").resolve("config");
      if (Files.isRegularFile(config)) {
        try {
          boolean inOrigin = false;
          for (String line : Files.readAllLines(config)) {
            String text = line.strip();
            if (text.startsWith("[")) {
              inOrigin = text.equals("[remote \"origin\"]");
            } else if (inOrigin && text.startsWith("url")) {
              String url = text.substring(text.indexOf('=') + 1).strip();
              Path path = url.startsWith("file://") ? Path.of(url.substring("file://".length())) : Path.of(url);
              return url.contains("://") && !url.startsWith("file://") || !Files.isDirectory(path) ? null
                  : path.toAbsolutePath();
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + config, e);
        } catch (java.nio.file.InvalidPathException e) {
          return null;
        }
        return null;
      }
    }
    return null;
  }
}
