package io.tokenledger.schemas.topics;

/**
 * The key of a (team, workflow, normalised model) series on the team-workflow-model aggregate and ledger
 * topics, written {@code team|workflow|model}. Team and workflow never contain '|' (the
 * validator refuses it); a model name may, so it is always the last part.
 */
public record SeriesKey(String team, String workflow, String model) {
  private static final char SEPARATOR = '|';

  /** Reads a key written by {@link #toString()}. */
  public static SeriesKey parse(String key) {
    int first = key.indexOf(SEPARATOR);
    int second = first < 0 ? -1 : key.indexOf(SEPARATOR, first + 1);
    if (second < 0) {
      throw new IllegalArgumentException("Not a team|workflow|model key: '" + key + "'");
    }
    return new SeriesKey(key.substring(0, first), key.substring(first + 1, second), key.substring(second + 1));
  }

  /** The team of a key that is either a team or a {@code team|...} key. */
  public static String teamOf(String key) {
    int first = key.indexOf(SEPARATOR);
    return first < 0 ? key : key.substring(0, first);
  }

  @Override
  public String toString() {
    return team + SEPARATOR + workflow + SEPARATOR + model;
  }
}
