package io.tokenledger.platform.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** Directories a process owns (state, scratch), deleted with everything in them. */
public final class DirectoryTrees {
  private DirectoryTrees() {}

  /** Deletes {@code root} and all it holds, deepest first; nothing when it does not exist. */
  public static void delete(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> deepestFirst;
    try (var tree = Files.walk(root)) {
      deepestFirst = tree.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : deepestFirst) {
      Files.delete(p);
    }
  }
}
