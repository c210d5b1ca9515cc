# The opposite of RealKerasFilesTest: Keras loads the .keras files cnn4j wrote (target/real-keras/, left by
# `mvn test -Dtest=RealKerasFilesTest`: copies of Keras's own files, and zoo ResNets compiled by each recipe),
# predicts what cnn4j predicted, restores the optimizer (its class, step and rate) and trains one more step.
# Run from the project's root with the venv of make-fixtures.py:
#   KERAS_BACKEND=jax venv/bin/python src/test/resources/keras/real/check-cnn4j-files.py [FOLDER]
import glob
import json
import os
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join("target", "real-keras")
known = json.load(open(os.path.join(here, "info.json")))["models"]
files = sorted(glob.glob(os.path.join(folder, "*.keras")))
if not files:
    sys.exit(f"no .keras files in {folder}: run mvn test -Dtest=RealKerasFilesTest first")
failed = 0
for path in files:
    name = os.path.basename(path)[:-len(".keras")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = keras.saving.load_model(path)
        shape = model.input_shape[1:]
        x = np.fromfile(os.path.join(folder, f"{name}.inputs.f32"), "<f4").reshape((-1,) + shape)
        want = np.fromfile(os.path.join(folder, f"{name}.predictions.f32"), "<f4").reshape(len(x), -1)
        got = model.predict(x, verbose=0)
    diff = float(np.abs(got - want).max())
    optimizer = type(model.optimizer).__name__
    iterations = int(model.optimizer.iterations)
    rate = float(model.optimizer.learning_rate)  # a schedule's value at that iteration
    ok = diff < 1e-5 and not caught
    if name in known:  # a copy of Keras's own file: the optimizer must be as Keras saved it
        ok = ok and optimizer == known[name]["optimizer"] and iterations == known[name]["iterations"] \
            and abs(rate - known[name]["learning_rate"]) < 1e-7
    model.train_on_batch(x, np.arange(len(x)) % got.shape[1])
    ok = ok and int(model.optimizer.iterations) == iterations + 1
    failed += not ok
    print(f"{name}: max |Keras - cnn4j| {diff:.2g}; {optimizer} at iteration {iterations}, rate {rate:.6g}, "
          f"weight decay {model.optimizer.weight_decay}, loss {model.loss.__class__.__name__ if not isinstance(model.loss, str) else model.loss}; "
          f"one more step ran; warnings: {[str(w.message)[:100] for w in caught] or 'none'}: {'ok' if ok else 'FAILED'}")
print(f"Keras {keras.__version__} ({keras.backend.backend()}): {len(files) - failed} of {len(files)} files ok")
sys.exit(1 if failed else 0)
