package org.cnn4j.io;

import java.time.Instant;
import org.cnn4j.model.Model;

/**
 * A model read from a model file, with weights, optimizer state, step count
 * and seed restored (compiled if it was compiled when saved), and the training
 * state saved beside it. Closing it closes the model.
 *
 * @param cnn4jVersion the cnn4j version that wrote the file
 * @param created when the file was written
 */
public record LoadedModel(Model model, TrainingState state, String cnn4jVersion, Instant created)
    implements AutoCloseable {
  @Override
  public void close() {
    model.close();
  }
}
