package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's module table is the build's: every module the poms build, and nothing else. */
class ModuleTableTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9/-]+)/` \\|", Pattern.MULTILINE);

  @Test
  void theReadmeListsTheModulesTheBuildHas() throws Exception {
    Set<String> built = new TreeSet<>();
    collect(ROOT, "", built);
    Set<String> listed = new TreeSet<>();
    Matcher row = ROW.matcher(Files.readString(ROOT.resolve("README.md")));
    while (row.find()) {
      listed.add(row.group(1));
    }
    assertEquals(built, listed, "README.md's module table against the poms' <module> lists");
  }

  /** Leaf modules by path: an aggregator pom's modules are listed instead of it. */
  private static void collect(Path dir, String prefix, Set<String> into) throws Exception {
    Matcher module = MODULE.matcher(Files.readString(dir.resolve("pom.xml")));
    boolean any = false;
    while (module.find()) {
      any = true;
      String name = module.group(1).strip();
      collect(dir.resolve(name), prefix + name + "/", into);
    }
    if (!any && !prefix.isEmpty()) {
      into.add(prefix.substring(0, prefix.length() - 1));
    }
  }
}
