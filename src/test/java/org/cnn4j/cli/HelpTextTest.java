package org.cnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.cli.Cli.Run;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Issue 15, item 17: the help a new user reads first. */
class HelpTextTest {
  private static List<CommandSpec> commands() {
    CommandLine cli = new CommandLine(new Main());
    List<CommandSpec> all = new ArrayList<>(List.of(cli.getCommandSpec()));
    cli.getSubcommands().values().forEach(c -> all.add(c.getCommandSpec()));
    return all;
  }

  /**
   * Each line given to picocli is a whole paragraph (picocli wraps it to the terminal), an example
   * (indented, or starting "Example"), or blank: a sentence cut over two given lines breaks in the
   * middle on every terminal.
   */
  private static void assertParagraphs(String where, String[] lines) {
    for (String line : lines) {
      boolean whole = line.isEmpty() || line.startsWith("  ") || line.startsWith("Example")
          || line.matches("(?s).*[.:)]");
      assertTrue(whole, where + ": a line that ends mid-sentence: \"" + line + "\"");
      assertTrue(!line.startsWith("  ") || line.length() < 80, where + ": picocli would break this example: " + line);
    }
  }

  @Test
  void helpTextsAreWholeParagraphsAndStateDefaults() {
    for (CommandSpec c : commands()) {
      assertParagraphs(c.qualifiedName(), c.usageMessage().description());
      for (OptionSpec o : c.options()) {
        if (o.usageHelp() || o.versionHelp()) continue;
        String where = c.qualifiedName() + " " + o.longestName();
        assertParagraphs(where, o.description());
        if (o.defaultValue() != null && !o.type().equals(boolean.class)) {
          assertTrue(String.join(" ", o.description()).contains("default"), where + " does not state its default");
        }
      }
    }
  }

  @Test
  void noSubcommandIsAUsageError() {
    Run r = Cli.run();
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("Missing subcommand") && r.err().contains("Usage: cnn4j"), r.err());
  }

  /** The launcher's environment variables are documented where users look: --help. */
  @Test
  void environmentIsDocumented() {
    Run r = Cli.run("--help");
    assertEquals(0, r.code());
    for (String v : List.of("CNN4J_THREADS", "CNN4J_LOG_LEVEL", "CNN4J_JAVA_OPTS")) {
      assertTrue(r.out().contains(v), v + " in: " + r.out());
    }
    for (CommandSpec c : commands()) {
      for (String line : c.usageMessage().footer()) {
        assertTrue(line.length() < 80, "picocli would break this footer line: " + line);
      }
    }
  }
}
