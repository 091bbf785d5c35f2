package io.tokenledger.schemas.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code tokenledger.*} keys a configuration sets that nothing declares: a misspelt key
 * would otherwise be ignored without a word, and its default silently used.
 */
public final class UnknownSettings {
  private static final String PREFIX = "tokenledger.";

  private UnknownSettings() {}

  /** One warning per unknown key, naming the nearest declared key. */
  public static List<String> warnings(Map<String, ?> config, List<ConfigDeclaration> declarations) {
    List<ConfigDeclaration.Key> known = declarations.stream().flatMap(d -> d.keys().stream()).toList();
    List<String> warnings = new ArrayList<>();
    for (String key : new TreeSet<>(config.keySet())) {
      if (!key.startsWith(PREFIX) || known.stream().anyMatch(k -> k.matches(key))) {
        continue;
      }
      String nearest = null;
      int best = Integer.MAX_VALUE;
      for (ConfigDeclaration.Key candidate : known) {
        int distance = distance(key, candidate.name());
        if (distance < best) {
          best = distance;
          nearest = candidate.name();
        }
      }
      warnings.add("Unknown setting " + key + " is ignored" + (nearest == null ? "" : "; did you mean " + nearest
          + "?") + " (the keys are in docs/configuration.md)");
    }
    return warnings;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
