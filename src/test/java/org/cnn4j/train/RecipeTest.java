package org.cnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cnn4j.data.Preprocessing;
import org.cnn4j.data.Preprocessing.FillMode;
import org.cnn4j.optim.Adam;
import org.cnn4j.optim.Optimizer;
import org.cnn4j.optim.SGD;
import org.cnn4j.optim.schedules.CosineDecay;
import org.cnn4j.train.callbacks.LearningRateScheduler;
import org.junit.jupiter.api.Test;

class RecipeTest {
  @Test
  void registryListsTheBuiltInsAndNamesUnknownRecipes() {
    assertEquals(List.of("keras-cifar10-resnet", "cifar10-resnet20-fast"),
        Recipe.all().stream().map(Recipe::name).toList().subList(0, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recipe.named("resnet-magic"));
    assertTrue(e.getMessage().contains("unknown recipe 'resnet-magic'; known recipes: keras-cifar10-resnet, "
        + "cifar10-resnet20-fast"), e.getMessage());
  }

  @Test
  void kerasCifar10ResnetFollowsTheScript() {
    Recipe r = Recipe.named("keras-cifar10-resnet");
    assertEquals(32, r.batchSize());
    assertEquals(200, r.epochs());
    assertEquals(0f, r.labelSmoothing());
    assertEquals("resnet20", r.model());
    Optimizer o = r.optimizer(r.learningRate(), 200, 1563);
    assertInstanceOf(Adam.class, o);
    assertEquals(1e-3f, o.learningRate());
    // lr_schedule(epoch) of the script, epochs from 0 as Keras passes them.
    int[] epochs = {0, 80, 81, 120, 121, 160, 161, 180, 181, 199};
    double[] rates = {1e-3, 1e-3, 1e-4, 1e-4, 1e-5, 1e-5, 1e-6, 1e-6, 0.5e-6, 0.5e-6};
    for (int i = 0; i < epochs.length; i++) {
      assertEquals(rates[i], r.learningRate() * Recipe.kerasResnetFactor(epochs[i]), 1e-15, "epoch " + epochs[i]);
    }
    List<Callback> callbacks = r.callbacks(r.learningRate());
    assertEquals(1, callbacks.size());
    assertInstanceOf(LearningRateScheduler.class, callbacks.get(0));
    Preprocessing p = r.preprocessing(Preprocessing.scaled());
    assertEquals(0.1, p.widthShiftRange());
    assertEquals(0.1, p.heightShiftRange());
    assertEquals(FillMode.NEAREST, p.fillMode());
    assertTrue(p.horizontalFlip());
    assertEquals(0, p.cropPadding());
  }

  @Test
  void fastRecipeWarmsUpThenDecaysOverTheRunItIsGiven() {
    Recipe r = Recipe.named("cifar10-resnet20-fast");
    assertEquals(64, r.batchSize());
    assertEquals(80, r.epochs());
    assertEquals(0.1f, r.labelSmoothing());
    assertEquals(0.1f, r.loss().labelSmoothing());
    int steps = 782;
    SGD o = (SGD) r.optimizer(0.1, 80, steps);
    assertEquals(2.5e-3f, o.weightDecay());
    assertTrue(o.weightDecayExcludesVectors());
    CosineDecay s = (CosineDecay) o.schedule();
    assertEquals(0.01, s.at(0), 1e-12);
    assertEquals(0.1, s.at(2 * steps), 1e-12, "peak after the 2-epoch warm-up");
    assertEquals(0.05, s.at(2 * steps + 39 * steps), 1e-12, "half-way through the cosine");
    assertEquals(0.0, s.at(80 * steps), 1e-12);
    // Fewer epochs (a CLI override): the same shape over the shorter run.
    CosineDecay shorter = (CosineDecay) r.optimizer(0.2, 10, 100).schedule();
    assertEquals(0.2, shorter.at(200), 1e-12);
    assertEquals(0.0, shorter.at(1000), 1e-12);
    assertTrue(r.callbacks(0.1).isEmpty(), "the rate changes per step, in the optimizer");
    Preprocessing p = r.preprocessing(Preprocessing.scaled());
    assertEquals(4, p.cropPadding());
    assertTrue(p.horizontalFlip());
    assertEquals(3, p.mean().length);
    FitOptions f = r.fitOptions(0.1, 40, 128, Preprocessing.scaled());
    assertEquals(128, f.batchSize());
    assertEquals(40, f.epochs());
    assertEquals(4, f.preprocessing().cropPadding());
    org.junit.jupiter.api.Assertions.assertArrayEquals(p.std(), f.preprocessing().std());
    assertNull(f.validation());
  }

  @Test
  void recipesAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new Recipe("Bad Name", "", "m", "", 0.1, 1, 1, 0f,
        (lr, e, s) -> new Adam(), null, p -> p));
    assertThrows(IllegalArgumentException.class, () -> new Recipe("ok", "", "m", "", 0.1, 1, 1, 2f,
        (lr, e, s) -> new Adam(), null, p -> p));
  }
}
