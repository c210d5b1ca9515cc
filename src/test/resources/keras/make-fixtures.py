# Writes the Keras files that KerasLibhdf5FilesTest reads, with h5py (libhdf5, the library Keras itself
# writes with), laid out as Keras 3.16's saving_lib and Keras 2's legacy h5 format write them. Run with
# Debian's python3-h5py:  cd src/test/resources/keras && python3 make-fixtures.py
# Values follow value(seed, i) in KerasLibhdf5FilesTest, so the test knows them without reading the files.
import io, json, zipfile
import h5py
import numpy as np


def values(seed, offset, scale, *shape):
    n = int(np.prod(shape))
    v = [offset + scale * (((i * 7919 + seed * 104729) % 2001) / 1000.0 - 1.0) for i in range(n)]
    return np.array(v, dtype=np.float64).astype(np.float32).reshape(shape)


kernel = values(1, 0, 0.5, 3, 3, 3, 4)
bias = values(2, 0, 0.1, 4)
gamma = values(3, 1, 0.5, 4)
beta = values(4, 0, 0.2, 4)
mean = values(5, 0, 0.3, 4)
variance = values(6, 1, 0.5, 4)
dense_kernel = values(7, 0, 0.5, 36, 3)
dense_bias = values(8, 0, 0.1, 3)
trainable = [kernel, bias, gamma, beta, dense_kernel, dense_bias]
m = [values(100 + i, 0, 0.01, *t.shape) for i, t in enumerate(trainable)]
v = [values(200 + i, 0.001, 0.001, *t.shape) for i, t in enumerate(trainable)]

dtype = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}
layers3 = [
    {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, 6, 6, 3],
     "dtype": "float32", "sparse": False, "name": "input_layer"}, "registered_name": None},
    {"module": "keras.layers", "class_name": "Conv2D", "config": {"name": "conv2d", "trainable": True,
     "dtype": dtype, "filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
     "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": "relu",
     "use_bias": True}, "registered_name": None, "build_config": {"input_shape": [None, 6, 6, 3]}},
    {"module": "keras.layers", "class_name": "BatchNormalization", "config": {"name": "batch_normalization",
     "trainable": True, "dtype": dtype, "axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": True,
     "scale": True, "synchronized": False}, "registered_name": None,
     "build_config": {"input_shape": [None, 6, 6, 4]}},
    {"module": "keras.layers", "class_name": "MaxPooling2D", "config": {"name": "max_pooling2d",
     "trainable": True, "dtype": dtype, "pool_size": [2, 2], "padding": "valid", "strides": [2, 2],
     "data_format": "channels_last"}, "registered_name": None},
    {"module": "keras.layers", "class_name": "Flatten", "config": {"name": "flatten", "trainable": True,
     "dtype": dtype, "data_format": "channels_last"}, "registered_name": None},
    {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "trainable": True,
     "dtype": dtype, "units": 3, "activation": "softmax", "use_bias": True}, "registered_name": None},
]
adam3 = {"module": "keras.optimizers", "class_name": "Adam", "config": {"name": "adam", "learning_rate": 0.0005,
         "weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None, "use_ema": False,
         "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
         "gradient_accumulation_steps": None, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
         "amsgrad": False}, "registered_name": None}
config3 = {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": True,
           "dtype": dtype, "layers": layers3, "build_input_shape": [None, 6, 6, 3]}, "registered_name": None,
           "build_config": {"input_shape": [None, 6, 6, 3]},
           "compile_config": {"optimizer": adam3, "loss": "sparse_categorical_crossentropy",
                              "loss_weights": None, "metrics": ["accuracy"], "weighted_metrics": None,
                              "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}}

# Keras 3.16: every saveable gets a vars group named after it, the weightless ones empty.
buf = io.BytesIO()
with h5py.File(buf, "w") as f:
    f.create_group("vars").attrs["name"] = "sequential"
    own = {"conv2d": [kernel, bias], "batch_normalization": [gamma, beta, mean, variance],
           "max_pooling2d": [], "flatten": [], "dense": [dense_kernel, dense_bias]}
    for name, ws in own.items():
        g = f.create_group("layers/" + name + "/vars")
        g.attrs["name"] = name
        for i, w in enumerate(ws):
            g[str(i)] = w
    g = f.create_group("optimizer/vars")
    g.attrs["name"] = "adam"
    g["0"] = np.int64(7)
    g["1"] = np.float32(0.0004)
    k = 2
    for a, b in zip(m, v):
        g[str(k)] = a
        g[str(k + 1)] = b
        k += 2
with zipfile.ZipFile("small.keras", "w") as z:
    z.writestr("metadata.json", json.dumps({"keras_version": "3.16.0", "date_saved": "2026-12-01@09:00:00"}))
    z.writestr("config.json", json.dumps(config3))
    z.writestr("model.weights.h5", buf.getvalue())

# Keras 2 (tf.keras 2.13) model.save("small.h5"): legacy config, fixed-length byte-string attributes,
# an empty float64 array for a layer without weights, and TF 2's legacy Adam slots (all m, then all v).
layers2 = [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 6, 6, 3], "dtype": "float32",
     "sparse": False, "ragged": False, "name": "conv2d_input"}},
    {"class_name": "Conv2D", "config": {"name": "conv2d", "trainable": True, "dtype": "float32",
     "batch_input_shape": [None, 6, 6, 3], "filters": 4, "kernel_size": [3, 3], "strides": [1, 1],
     "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
     "activation": "relu", "use_bias": True}},
    {"class_name": "BatchNormalization", "config": {"name": "batch_normalization", "trainable": True,
     "dtype": "float32", "axis": [3], "momentum": 0.99, "epsilon": 0.001, "center": True, "scale": True}},
    {"class_name": "MaxPooling2D", "config": {"name": "max_pooling2d", "trainable": True, "dtype": "float32",
     "pool_size": [2, 2], "padding": "valid", "strides": [2, 2], "data_format": "channels_last"}},
    {"class_name": "Flatten", "config": {"name": "flatten", "trainable": True, "dtype": "float32",
     "data_format": "channels_last"}},
    {"class_name": "Dense", "config": {"name": "dense", "trainable": True, "dtype": "float32", "units": 3,
     "activation": "softmax", "use_bias": True}},
]
config2 = {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers2}}
training2 = {"loss": "sparse_categorical_crossentropy", "metrics": [["accuracy"]], "weighted_metrics": None,
             "loss_weights": None, "optimizer_config": {"class_name": "Adam", "config": {"name": "Adam",
             "learning_rate": 0.0005, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
             "amsgrad": False}}}
names2 = {"conv2d": ["kernel", "bias"], "batch_normalization": ["gamma", "beta", "moving_mean",
          "moving_variance"], "max_pooling2d": [], "flatten": [], "dense": ["kernel", "bias"]}
weights2 = {"conv2d": [kernel, bias], "batch_normalization": [gamma, beta, mean, variance],
            "max_pooling2d": [], "flatten": [], "dense": [dense_kernel, dense_bias]}


def legacy_weights(g):
    g.attrs["layer_names"] = np.array([n.encode() for n in names2])
    g.attrs["backend"] = b"tensorflow"
    g.attrs["keras_version"] = b"2.13.1"
    for layer in sorted(names2):
        lg = g.create_group(layer)
        wn = [(layer + "/" + w + ":0").encode() for w in names2[layer]]
        lg.attrs["weight_names"] = np.asarray(wn)
        for name, value in zip(wn, weights2[layer]):
            lg.create_dataset(name.decode(), data=value)


with h5py.File("small.h5", "w") as f:
    f.attrs["keras_version"] = b"2.13.1"
    f.attrs["backend"] = b"tensorflow"
    f.attrs["model_config"] = json.dumps(config2).encode()
    f.attrs["training_config"] = json.dumps(training2).encode()
    legacy_weights(f.create_group("model_weights"))
    o = f.create_group("optimizer_weights")
    paths = ["conv2d/kernel", "conv2d/bias", "batch_normalization/gamma", "batch_normalization/beta",
             "dense/kernel", "dense/bias"]
    onames = ["Adam/iter:0"] + ["Adam/" + p + "/m:0" for p in paths] + ["Adam/" + p + "/v:0" for p in paths]
    o.attrs["weight_names"] = np.array([n.encode() for n in onames])
    o.create_dataset("Adam/iter:0", data=np.int64(7))
    for p, a, b in zip(paths, m, v):
        o.create_dataset("Adam/" + p + "/m:0", data=a)
        o.create_dataset("Adam/" + p + "/v:0", data=b)

# Keras 2 save_weights("small.weights.h5"): the same groups at the root.
with h5py.File("small.weights.h5", "w") as f:
    legacy_weights(f)

# The same .keras with deflated entries (Keras writes them stored; a re-zipped file may not be).
with zipfile.ZipFile("small.keras") as src, zipfile.ZipFile("small-deflated.keras", "w", zipfile.ZIP_DEFLATED) as z:
    for name in src.namelist():
        z.writestr(name, src.read(name))

# Weights whose dense group is a link to another file: cnn4j never follows links.
with h5py.File("link.weights.h5", "w") as f:
    legacy_weights(f)
    del f["dense"]
    f["dense"] = h5py.ExternalLink("elsewhere.h5", "/dense")
