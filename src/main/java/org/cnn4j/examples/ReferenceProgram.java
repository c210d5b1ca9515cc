package org.cnn4j.examples;

import java.nio.file.Path;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.ImageFolderReader;
import org.cnn4j.data.SyntheticShapes;
import org.cnn4j.data.TrainTest;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.MaxPool2D;
import org.cnn4j.model.History;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.FitOptions;

/**
 * The reference Keras program of cnn4j's design, line for line in Java.
 *
 * <pre>
 * java -cp target/cnn4j.jar:$(cat target/classpath.txt) org.cnn4j.examples.ReferenceProgram [cifar10-jpeg-dir] [epochs]
 * </pre>
 *
 * With a folder holding {@code train/<class>/*.jpg} and {@code test/<class>/*.jpg}
 * it trains on those images; without one, on the embedded generated dataset.
 */
public final class ReferenceProgram {
  private ReferenceProgram() {}

  /** Runs it: {@code args} are the CIFAR-10 JPEG folder (default: generated data) and the epochs (default 10). */
  public static void main(String[] args) {
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    try (TrainTest data = args.length > 0 ? ImageFolderReader.readTrainTest(Path.of(args[0]))
        : generated()) {
      History history = run(data.train(), data.test(), epochs, 1);
      System.out.println(history);
    }
  }

  /** Trains the reference model and returns its history; also prints the predicted classes' accuracy. */
  public static History run(Dataset train, Dataset test, int epochs, int verbose) {
    try (Sequential model = new Sequential()) {
      model.add(new Conv2D(32, 3).padding("same").activation("relu").inputShape(32, 32, 3));
      model.add(new Conv2D(32, 3).padding("same").activation("relu"));
      model.add(new MaxPool2D(2).strides(2).padding("valid"));
      model.add(new Dropout(0.5));
      model.add(new Flatten());
      model.add(new Dense(128).activation("relu"));
      model.add(new Dense(10).activation("softmax"));
      model.compile("adam", "sparse_categorical_crossentropy", "sparse_categorical_accuracy");
      History history = model.fit(train, new FitOptions().batchSize(10).epochs(epochs).verbose(verbose)
          .validationData(test));
      int[] predicted = model.predictClasses(test, 10);
      int correct = 0;
      for (int i = 0; i < predicted.length; i++) if (predicted[i] == test.label(i)) correct++;
      if (verbose > 0) System.out.printf("predicted classes: %d of %d correct%n", correct, predicted.length);
      return history;
    }
  }

  private static TrainTest generated() {
    Dataset[] d = SyntheticShapes.trainTest(6000, 1000, 42);
    return new TrainTest(d[0], d[1]);
  }
}
