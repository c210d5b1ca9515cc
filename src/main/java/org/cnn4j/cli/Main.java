package org.cnn4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cnn4j} command. */
@Command(name = "cnn4j", mixinStandardHelpOptions = true, version = "cnn4j 0.1.0",
    description = "Train convolutional networks on x86 CPUs with oneDNN.",
    subcommands = {TrainCommand.class})
public final class Main implements Runnable {
  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
