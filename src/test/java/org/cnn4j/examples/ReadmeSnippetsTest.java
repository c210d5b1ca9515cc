package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.SyntheticShapes;
import org.cnn4j.io.LoadedModel;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.model.Models;
import org.cnn4j.model.Model;
import org.cnn4j.model.Sequential;
import org.cnn4j.train.FitOptions;
import org.cnn4j.train.Resume;
import org.cnn4j.train.callbacks.CSVLogger;
import org.cnn4j.train.callbacks.EarlyStopping;
import org.cnn4j.train.callbacks.ModelCheckpoint;
import org.cnn4j.train.callbacks.ReduceLROnPlateau;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's library snippets, as written there, on small data. */
class ReadmeSnippetsTest {
  @Test
  void saveLoadAndResume(@TempDir Path dir) {
    Dataset[] d = SyntheticShapes.trainTest(100, 20, 1);
    try (Dataset train = d[0]; Dataset test = d[1]) {
      Path checkpoint = dir.resolve("checkpoint.cnn4j");
      for (int epochs : new int[] {1, 2}) {
        LoadedModel saved = Resume.latest(checkpoint); // null on the first run
        try (Model model = saved != null ? saved.model() : Models.reference(32, 32, 3, 10)) {
          if (saved == null) model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
          FitOptions o = new FitOptions().batchSize(10).epochs(epochs).deterministic(true).validationData(test)
              .callbacks(new CSVLogger(dir.resolve("log.csv"), true),
                  new EarlyStopping("val_loss").patience(3).restoreBestWeights(true),
                  new ReduceLROnPlateau("val_loss").factor(0.5).patience(2),
                  new ModelCheckpoint(checkpoint));
          if (saved != null) o.resumeFrom(saved.state()); // epoch to start at, callback counters
          assertEquals(1, model.fit(train, o).epochs());
        }
      }
      try (Model model = Sequential.load(checkpoint)) {
        float[][] before = model.predict(test, 64);
        Path copy = dir.resolve("model.cnn4j");
        model.save(copy);
        try (Model again = Model.load(copy)) {
          float[][] after = again.predict(test, 64);
          for (int i = 0; i < before.length; i++) assertArrayEquals(before[i], after[i]);
        }
      }
      assertNotNull(Resume.latest(dir));
    }
  }

  @Test
  void functionalResidualModel() {
    Dataset[] d = SyntheticShapes.trainTest(60, 20, 1);
    try (Dataset train = d[0]; Dataset test = d[1]) {
      SymbolicTensor in = Input.of(32, 32, 3);
      SymbolicTensor x = new Conv2D(16, 3).padding("same").activation("relu").call(in);
      SymbolicTensor y = new Conv2D(16, 3).padding("same").activation("relu").call(x);
      y = new Conv2D(16, 3).padding("same").call(y);
      SymbolicTensor z = new Activation("relu").call(new Add().call(x, y)); // x is read twice
      SymbolicTensor out = new Dense(10).activation("softmax").call(new Flatten().call(z));
      try (Model model = new Model(in, out)) {
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        assertTrue(model.summary().contains("Connected to"));
        model.fit(train, new FitOptions().batchSize(32).epochs(1).validationData(test));
      }
    }
  }

  /**
   * Issue 15, item 18: every java block of README.md compiles as written, imports included (one
   * did not: Dataset.of takes a List of class names).
   */
  @Test
  void readmeJavaBlocksCompile(@TempDir Path dir) throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    List<JavaFileObject> units = new ArrayList<>();
    while (m.find()) {
      String code = m.group(1);
      Matcher cls = Pattern.compile("public class (\\w+)").matcher(code);
      assertTrue(cls.find(), "a README java block is not a whole class with its imports:\n" + code);
      units.add(new SimpleJavaFileObject(URI.create("string:///" + cls.group(1) + ".java"),
          JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreErrors) {
          return code;
        }
      });
    }
    assertTrue(units.size() >= 3, "README java blocks found: " + units.size());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> errors = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(errors, null, null)) {
      boolean ok = javac.getTask(null, files, errors, List.of("-d", dir.toString(), "-classpath",
          System.getProperty("java.class.path"), "-proc:none"), null, units).call();
      StringBuilder why = new StringBuilder();
      for (Diagnostic<? extends JavaFileObject> d : errors.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) why.append(d).append('\n');
      }
      assertTrue(ok, why.toString());
    }
  }
}
