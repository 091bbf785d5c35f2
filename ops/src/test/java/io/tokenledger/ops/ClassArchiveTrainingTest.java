package io.tokenledger.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClassArchiveTrainingTest {
  @Test
  void startsEveryServiceUpToTheBrokerWithoutOneAndLeavesNothingBehind() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Set<Path> before = training(tmp);

    ClassArchiveTraining.train(); // the launcher runs it before its first command: it must end, broker or not

    assertEquals(before, training(tmp), "its state directory is removed");
  }

  private static Set<Path> training(Path tmp) throws Exception {
    try (var entries = Files.list(tmp)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("tokenledger-class-archive"))
          .collect(Collectors.toSet());
    }
  }
}
