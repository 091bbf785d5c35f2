package io.tokenledger.schemas.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Every released version of every tokenledger schema, oldest first, read from the
 * append-only {@code history/} folder on the classpath. Decoders register all of them so
 * a record written with any released version can still be read.
 */
public final class SchemaHistory {
  private static final String FOLDER = "/io/tokenledger/schemas/history/";
  private static final SchemaHistory INSTANCE = load();

  private final Map<String, List<Schema>> versionsByFullName;

  private SchemaHistory(Map<String, List<Schema>> versionsByFullName) {
    this.versionsByFullName = versionsByFullName;
  }

  public static SchemaHistory get() {
    return INSTANCE;
  }

  /** Released versions of a record, oldest first; empty if it was never released. */
  public List<Schema> versions(String fullName) {
    return versionsByFullName.getOrDefault(fullName, List.of());
  }

  public Map<String, List<Schema>> all() {
    return versionsByFullName;
  }

  private static SchemaHistory load() {
    Map<String, List<Schema>> byName = new LinkedHashMap<>();
    for (String file : indexLines()) {
      // Each version is parsed alone: versions of one record share a name.
      Schema schema = parse(file);
      byName.computeIfAbsent(schema.getFullName(), n -> new ArrayList<>()).add(schema);
    }
    byName.replaceAll((name, versions) -> Collections.unmodifiableList(versions));
    return new SchemaHistory(Collections.unmodifiableMap(byName));
  }

  private static List<String> indexLines() {
    List<String> files = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(open("index.txt"), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        line = line.strip();
        if (!line.isEmpty() && !line.startsWith("#")) {
          files.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the schema history index " + FOLDER + "index.txt", e);
    }
    return files;
  }

  private static Schema parse(String file) {
    try (InputStream in = open(file)) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read released schema " + FOLDER + file, e);
    }
  }

  private static InputStream open(String file) {
    InputStream in = SchemaHistory.class.getResourceAsStream(FOLDER + file);
    if (in == null) {
      throw new IllegalStateException("Released schema " + FOLDER + file
          + " is listed in index.txt but missing from the classpath");
    }
    return in;
  }
}
