package io.tokenledger.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.history.SchemaHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class SchemaHistoryTest {
  /** Every schema in src/main/avro: the list is read from the directory, never kept by hand. */
  private static final List<Schema> CURRENT = current();

  private static List<Schema> current() {
    try (Stream<Path> files = Files.list(Path.of("src", "main", "avro"))) {
      return files.filter(f -> f.toString().endsWith(".avsc")).sorted().map(f -> {
        try {
          return new Schema.Parser().parse(f.toFile());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void historyAndSchemaDirectoryNameTheSameRecords() {
    Set<String> current = CURRENT.stream().map(Schema::getFullName).collect(Collectors.toSet());
    assertEquals(27, current.size(), "schemas in src/main/avro: " + current);
    assertEquals(current, SchemaHistory.get().all().keySet(), "every schema released, every released schema current");
  }

  @Test
  void everyCurrentSchemaIsTheNewestReleasedVersion() {
    for (Schema current : CURRENT) {
      List<Schema> released = SchemaHistory.get().versions(current.getFullName());
      assertFalse(released.isEmpty(), current.getFullName() + " has no released version in history/index.txt");
      Schema newest = released.get(released.size() - 1);
      assertEquals(SchemaNormalization.parsingFingerprint64(newest), SchemaNormalization.parsingFingerprint64(current),
          current.getFullName() + " changed without being released: copy src/main/avro/" + current.getName()
              + ".avsc to history/ as the next version and list it in index.txt");
    }
  }

  @Test
  void everyVersionReadsDataWrittenByEveryEarlierVersion() {
    for (Map.Entry<String, List<Schema>> entry : SchemaHistory.get().all().entrySet()) {
      List<Schema> versions = entry.getValue();
      for (int reader = 0; reader < versions.size(); reader++) {
        for (int writer = 0; writer <= reader; writer++) {
          var result = SchemaCompatibility.checkReaderWriterCompatibility(versions.get(reader), versions.get(writer));
          assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(),
              entry.getKey() + " v" + (reader + 1) + " cannot read v" + (writer + 1) + ": " + result.getDescription());
        }
      }
    }
  }

  @Test
  void compatibilityCheckRejectsABreakingChange() {
    // Guards the check above: a new required field without a default cannot read old data.
    Schema old = UsageEvent.getClassSchema();
    Schema broken = new Schema.Parser().parse(old.toString().replaceFirst("\\{\"name\":\"event_id\"",
        "{\"name\":\"tenant\",\"type\":\"string\"},{\"name\":\"event_id\""));
    assertTrue(broken.getField("tenant") != null);
    assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(broken, old).getType());
  }

  @Test
  void everyFieldIsDocumented() {
    for (Schema current : CURRENT) {
      for (Schema.Field field : current.getFields()) {
        assertTrue(field.doc() != null && !field.doc().isBlank(), current.getName() + "." + field.name() + " has no doc");
      }
    }
  }
}
