package org.cnn4j.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code cnn4j} command. */
@Command(name = "cnn4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {"Train convolutional networks on x86 CPUs with oneDNN.",
        "Start with: cnn4j train  (the reference CNN on embedded data; no download)", ""},
    footer = {"", "Environment (read by the cnn4j launcher script):",
        "  CNN4J_THREADS    threads without --threads (default: cores, or a CPU quota)",
        "  CNN4J_SHARED_CPU 1 beside other busy processes: OpenMP threads yield sooner",
        "  CNN4J_LOG_LEVEL  error, warn, info or debug: the log on stderr (default warn)",
        "  CNN4J_JAVA_OPTS  JVM options, replacing the default -XX:+UseSerialGC",
        "Run 'cnn4j COMMAND --help' for a command's options."},
    subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
        BenchCommand.class, RecipesCommand.class, ModelsCommand.class, ExportCommand.class})
public final class Main implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  @Spec
  CommandSpec spec;

  /** No subcommand is a usage error (exit code 2), not a success: a script that forgot it should fail. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: give one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command; errors a person can act on are one line on stderr, exit code 1. */
  static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      LOG.debug("cnn4j failed", e);
      cmd.getErr().println("cnn4j " + cmd.getCommandName() + ": error: " + message(e));
      return 1;
    });
    return cli.execute(args);
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    if (e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
      return e.getClass().getSimpleName() + ": " + m;
    }
    return m != null ? m : e.toString();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"cnn4j " + (v != null ? v : "(development build)")};
    }
  }
}
