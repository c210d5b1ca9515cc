# Writes the files RealKerasFilesTest reads: small models built, trained for a few steps and saved by
# Keras itself (.keras, whole-model .h5, save_weights, to_json), with inputs and Keras's predictions.
#   python3 -m venv venv && venv/bin/pip install keras jax jaxlib h5py
#   cd src/test/resources/keras/real && KERAS_BACKEND=jax ../../../../../venv/bin/python make-fixtures.py
# The committed files came from Keras 3.15.1 on JAX 0.10.2 (h5py 3.16); info.json records the versions.
import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(20261201)
rng = np.random.default_rng(20261201)
SAMPLES = 4


def sequential():
    # The reference model's layer kinds, scaled down, with a BatchNormalization.
    return keras.Sequential([
        keras.Input((16, 16, 3)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(),
        layers.Dropout(0.25),
        layers.Conv2D(16, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(24, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax")], name="small_cnn")


def resnet():
    # ResNet v1 blocks as Keras's cifar10_resnet.py builds them: identity and 1x1 projection shortcuts.
    l2 = keras.regularizers.l2(1e-4)

    def conv(x, filters, strides=1, size=3):
        return layers.Conv2D(filters, size, strides=strides, padding="same", kernel_initializer="he_normal",
                             kernel_regularizer=l2)(x)

    inputs = keras.Input((16, 16, 3))
    x = layers.Activation("relu")(layers.BatchNormalization()(conv(inputs, 8)))
    y = layers.Activation("relu")(layers.BatchNormalization()(conv(x, 8)))
    y = layers.BatchNormalization()(conv(y, 8))
    x = layers.Activation("relu")(layers.add([x, y]))
    y = layers.Activation("relu")(layers.BatchNormalization()(conv(x, 16, 2)))
    y = layers.BatchNormalization()(conv(y, 16))
    x = layers.Activation("relu")(layers.add([conv(x, 16, 2, 1), y]))
    x = layers.Flatten()(layers.AveragePooling2D(pool_size=8)(x))
    outputs = layers.Dense(10, activation="softmax", kernel_initializer="he_normal")(x)
    return keras.Model(inputs, outputs, name="small_resnet")


def branches():
    # The other layers cnn4j reads, in two branches joined by Concatenate.
    inputs = keras.Input((12, 12, 3))
    a = layers.LeakyReLU(negative_slope=0.2)(layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(inputs))
    b = layers.Conv2D(6, 5, padding="same", use_bias=False, activation="tanh")(inputs)
    b = layers.BatchNormalization(center=False)(b)
    c = layers.ELU()(layers.Concatenate()([a, b]))
    c = layers.AveragePooling2D(2)(c)
    c = layers.Conv2D(8, 3, strides=2, padding="valid", activation="sigmoid")(c)
    d = layers.Concatenate()([layers.GlobalAveragePooling2D()(c), layers.GlobalMaxPooling2D()(c)])
    d = layers.ReLU()(layers.Dense(12, use_bias=False)(d))
    outputs = layers.Softmax()(layers.Dense(4)(d))
    return keras.Model(inputs, outputs, name="branches")


MODELS = {
    "sequential": (sequential, lambda: keras.optimizers.Adam(1e-3)),
    "resnet": (resnet, lambda: keras.optimizers.SGD(
        keras.optimizers.schedules.CosineDecay(0.01, 40, warmup_target=0.1, warmup_steps=4),
        momentum=0.9, nesterov=True)),
    "branches": (branches, lambda: keras.optimizers.AdamW(2e-3, weight_decay=0.01)),
}

info = {"keras": keras.__version__, "backend": keras.backend.backend(), "samples": SAMPLES, "models": {}}
for name, (build, optimizer) in MODELS.items():
    model = build()
    model.compile(optimizer=optimizer(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    shape = model.input_shape[1:]
    classes = model.output_shape[-1]
    model.fit(rng.random((48,) + shape, dtype=np.float32), rng.integers(0, classes, 48),
              batch_size=8, epochs=2, verbose=0)
    x = rng.random((SAMPLES,) + shape, dtype=np.float32)
    model.predict(x, verbose=0).astype("<f4").tofile(f"{name}.predictions.f32")
    x.astype("<f4").tofile(f"{name}.inputs.f32")
    lr, iterations = float(model.optimizer.learning_rate), int(model.optimizer.iterations)
    model.save(f"{name}.keras")
    model.save(f"{name}.h5")
    model.save_weights(f"{name}.weights.h5")
    with open(f"{name}.json", "w") as f:
        f.write(model.to_json())
    # One more training step on a batch of the inputs, after saving: a file's optimizer state, loss,
    # regularisers and schedule must give the same step in cnn4j. (Dropout's masks differ between
    # frameworks, so the model with Dropout is not stepped.)
    step = None
    if not any(isinstance(l, layers.Dropout) for l in model.layers):
        labels = np.arange(SAMPLES) % classes
        loss = model.train_on_batch(x, labels, return_dict=True)["loss"]
        model.predict(x, verbose=0).astype("<f4").tofile(f"{name}.after-step.f32")
        step = {"labels": labels.tolist(), "loss": float(loss)}
    info["models"][name] = {
        "input": list(shape), "classes": classes, "params": model.count_params(),
        "optimizer": type(model.optimizer).__name__, "iterations": iterations,
        "learning_rate": lr, "step": step}


# ResNets as Keras's examples/cifar10_resnet.py lays them out (v1: depth 6n+2, v2: pre-activation bottlenecks,
# depth 9n+2), built here from its description. cnn4j's zoo models must take their weights by Keras's layer
# names and predict the same. Saved without the optimizer (a fresh copy takes the trained weights) to stay small.
def script_unit(x, filters, size=3, strides=1, activation="relu", normalize=True, conv_first=True):
    conv = layers.Conv2D(filters, size, strides=strides, padding="same", kernel_initializer="he_normal",
                         kernel_regularizer=keras.regularizers.l2(1e-4))
    if conv_first:
        x = conv(x)
    if normalize:
        x = layers.BatchNormalization()(x)
    if activation is not None:
        x = layers.Activation(activation)(x)
    return x if conv_first else conv(x)


def script_resnet_v1(depth):
    inputs = keras.Input((32, 32, 3))
    filters = 16
    x = script_unit(inputs, filters)
    for stage in range(3):
        for block in range((depth - 2) // 6):
            strides = 2 if stage > 0 and block == 0 else 1
            y = script_unit(x, filters, strides=strides)
            y = script_unit(y, filters, activation=None)
            if strides == 2:
                x = script_unit(x, filters, size=1, strides=2, activation=None, normalize=False)
            x = layers.Activation("relu")(layers.add([x, y]))
        filters *= 2
    x = layers.Flatten()(layers.AveragePooling2D(pool_size=8)(x))
    return keras.Model(inputs, layers.Dense(10, activation="softmax", kernel_initializer="he_normal")(x))


def script_resnet_v2(depth):
    inputs = keras.Input((32, 32, 3))
    filters_in = 16
    x = script_unit(inputs, filters_in)
    for stage in range(3):
        for block in range((depth - 2) // 9):
            activation, normalize, strides = "relu", True, 1
            if stage == 0:
                filters_out = filters_in * 4
                if block == 0:
                    activation, normalize = None, False
            else:
                filters_out = filters_in * 2
                if block == 0:
                    strides = 2
            y = script_unit(x, filters_in, size=1, strides=strides, activation=activation, normalize=normalize,
                            conv_first=False)
            y = script_unit(y, filters_in, conv_first=False)
            y = script_unit(y, filters_out, size=1, conv_first=False)
            if block == 0:
                x = script_unit(x, filters_out, size=1, strides=strides, activation=None, normalize=False)
            x = layers.add([x, y])
        filters_in = filters_out
    x = layers.Activation("relu")(layers.BatchNormalization()(x))
    x = layers.Flatten()(layers.AveragePooling2D(pool_size=8)(x))
    return keras.Model(inputs, layers.Dense(10, activation="softmax", kernel_initializer="he_normal")(x))


info["script"] = {}
for name, build, zoo in [("script-resnet-v1-8", lambda: script_resnet_v1(8), "v1"),
                         ("script-resnet-v2-11", lambda: script_resnet_v2(11), "v2")]:
    model = build()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(rng.random((32, 32, 32, 3), dtype=np.float32), rng.integers(0, 10, 32), batch_size=8, verbose=0)
    fresh = build()
    fresh.set_weights(model.get_weights())
    x = rng.random((SAMPLES, 32, 32, 3), dtype=np.float32)
    fresh.predict(x, verbose=0).astype("<f4").tofile(f"{name}.predictions.f32")
    x.astype("<f4").tofile(f"{name}.inputs.f32")
    fresh.save(f"{name}.keras")
    info["script"][name] = {"zoo": zoo, "depth": int(name.rsplit("-", 1)[1]), "params": fresh.count_params()}

with open("info.json", "w") as f:
    json.dump(info, f, indent=1)
print(json.dumps(info, indent=1))
