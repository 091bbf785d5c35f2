package io.tokenledger.platform.topics;

import java.util.List;

/** Something that serves what it follows on topics, and says whether each of its readers is up. */
public interface TopicReaders {
  List<TopicFollower.Health> readers();

  /** Whether every reader of every one of {@code all} is following its topic. */
  static boolean allUp(List<? extends TopicReaders> all) {
    return all.stream().flatMap(r -> r.readers().stream()).allMatch(TopicFollower.Health::up);
  }
}
