package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.deadletters.DeadLetterReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The dead-letter reasons operators read about in docs/security.md are exactly the codes written. */
class DeadLetterReasonsTest {
  private static final Path DOC = Path.of("..", "docs", "security.md");

  @Test
  void theDocumentedReasonsAreTheWrittenOnes() throws Exception {
    String doc = Files.readString(DOC);
    String table = doc.substring(doc.indexOf("## Dead-letter reasons"));
    int end = table.indexOf("\n\n", table.indexOf("| code |"));
    table = end < 0 ? table : table.substring(0, end);
    Set<String> documented = new TreeSet<>();
    for (String row : table.lines().filter(l -> l.startsWith("| `")).toList()) {
      Matcher code = Pattern.compile("`([A-Z_]+)`").matcher(row.substring(0, row.indexOf('|', 1)));
      while (code.find()) {
        documented.add(code.group(1));
      }
    }
    Set<String> written = Arrays.stream(DeadLetterReason.values()).map(Enum::name)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(written, documented, "docs/security.md's table of dead-letter reasons against DeadLetterReason");
  }
}
