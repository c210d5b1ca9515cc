package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.DocumentationTool;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 18: the published Javadoc (mvn install's javadoc jar, mvn javadoc:javadoc) leaves
 * out the internal packages and builds without a warning, with the settings pom.xml gives it.
 */
class JavadocTest {
  private static String pomSetting(String pom, String tag) {
    Matcher m = Pattern.compile("<" + tag + ">([^<]*)</" + tag + ">").matcher(pom);
    assertTrue(m.find(), "pom.xml sets no <" + tag + ">");
    return m.group(1).trim();
  }

  @Test
  void publicApiDocumentsWithoutWarnings(@TempDir Path out) throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    assertTrue(pom.contains("<artifactId>maven-source-plugin</artifactId>"), "a sources jar is built");
    assertTrue(pom.contains("<artifactId>maven-javadoc-plugin</artifactId>"), "a javadoc jar is built");
    List<String> excluded = Arrays.asList(pomSetting(pom, "excludePackageNames").split(":"));
    assertEquals(List.of("org.cnn4j.dnnl", "org.cnn4j.kernels", "org.cnn4j.cli"), excluded);
    String doclint = pomSetting(pom, "doclint");

    Path src = Path.of("src/main/java");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> tree = Files.walk(src)) {
      tree.filter(p -> p.toString().endsWith(".java")).forEach(p -> {
        String pkg = src.relativize(p.getParent()).toString().replace('/', '.');
        if (!excluded.contains(pkg)) files.add(p);
      });
    }
    DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
    StringWriter log = new StringWriter();
    try (StandardJavaFileManager fm = javadoc.getStandardFileManager(null, null, null)) {
      boolean ok = javadoc.getTask(log, fm, null, null, List.of("-d", out.toString(), "-quiet", "-Xdoclint:" + doclint,
          "-classpath", System.getProperty("java.class.path"), "-sourcepath", src.toString()),
          fm.getJavaFileObjectsFromPaths(files)).call();
      assertTrue(ok, log.toString());
    }
    assertFalse(log.toString().contains("warning"), log.toString());
    assertTrue(Files.exists(out.resolve("org/cnn4j/model/Sequential.html")));
    assertFalse(Files.exists(out.resolve("org/cnn4j/dnnl")), "internal packages are not published");
  }
}
