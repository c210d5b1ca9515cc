package org.cnn4j.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnn4j.train.Recipe;
import picocli.CommandLine.Command;

/** {@code cnn4j recipes}: lists the training recipes that {@code cnn4j train --recipe} takes. */
@Command(name = "recipes", mixinStandardHelpOptions = true,
    description = {"List the training recipes for cnn4j train --recipe NAME.", ""})
final class RecipesCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    for (Recipe r : Recipe.all()) {
      System.out.println(r.name());
      System.out.println("  " + r.description());
      System.out.printf(Locale.ROOT, "  batch %d, %d epochs, base learning rate %s, label smoothing %s%n",
          r.batchSize(), r.epochs(), r.learningRate(), r.labelSmoothing());
      System.out.println("  model: " + r.model() + " - " + r.expects());
    }
    return 0;
  }
}
