package org.cnn4j.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cnn4j} command. */
@Command(name = "cnn4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {"Train convolutional networks on x86 CPUs with oneDNN.",
        "Start with: cnn4j train   (the reference CNN on the embedded dataset; no download)"},
    subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
        BenchCommand.class, RecipesCommand.class})
public final class Main implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
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
