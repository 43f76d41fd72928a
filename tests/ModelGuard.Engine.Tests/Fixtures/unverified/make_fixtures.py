#!/usr/bin/python3
"""Writes the fixtures of formats ModelGuard recognises but does not verify (MG3030-MG3033).

Run with Debian's Python: apt-get install python3-h5py python3-numpy, then /usr/bin/python3 make_fixtures.py.
Neither TensorFlow nor Keras is packaged by Debian, so the Keras files are written the way Keras writes them: HDF5 files
through h5py (the library Keras itself uses) with the root attributes of tf.keras' model.save("x.h5"), and Keras 3's zip
layout (config.json, metadata.json, model.weights.h5) with configurations in the shape keras.saving serializes.
The marshalled bytecode is a placeholder base64 string: ModelGuard never decodes it, it only reports that it is there.
"""
import io
import json
import zipfile

import h5py
import numpy as np

BYTECODE = "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARQAUwCpAk7pAgAAAKkAqQHaAXhyAwAAAHIDAAAA"


def dense(name, units):
    return {"class_name": "Dense", "config": {"name": name, "trainable": True, "dtype": "float32", "units": units,
                                               "activation": "relu", "use_bias": True}}


def tf_keras_config(layers):
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}


def write_h5(path, config):
    with h5py.File(path, "w") as f:
        if config is not None:
            f.attrs["backend"] = "tensorflow"
            f.attrs["keras_version"] = "2.12.0"
            f.attrs["model_config"] = json.dumps(config)
        weights = f.create_group("model_weights").create_group("dense")
        weights.create_dataset("kernel:0", data=np.arange(12, dtype=np.float32).reshape(3, 4))


def keras3_layer(class_name, config):
    return {"module": "keras.layers", "class_name": class_name, "config": config, "registered_name": None}


def keras3_archive(path, layers):
    config = {"module": "keras", "class_name": "Sequential",
              "config": {"name": "sequential", "trainable": True, "dtype": "float32", "layers": layers},
              "registered_name": None}
    metadata = {"keras_version": "3.3.3", "date_saved": "2024-05-01@12:00:00"}
    weights = io.BytesIO()
    with h5py.File(weights, "w") as f:
        f.create_group("layers").create_group("dense").create_group("vars").create_dataset("0", data=np.zeros((3, 4), np.float32))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("metadata.json", json.dumps(metadata))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", weights.getvalue())


def main():
    write_h5("keras-dense.h5", tf_keras_config([dense("dense", 4)]))
    write_h5("keras-lambda.h5", tf_keras_config([dense("dense", 4), {"class_name": "Lambda", "config": {
        "name": "lambda", "trainable": True, "dtype": "float32",
        "function": [BYTECODE, None, None], "function_type": "lambda", "module": "__main__",
        "output_shape": None, "output_shape_type": "raw", "arguments": {}}}]))
    write_h5("weights-only.h5", None)

    dense3 = keras3_layer("Dense", {"name": "dense", "trainable": True, "dtype": "float32", "units": 4, "activation": "relu"})
    keras3_archive("keras3-dense.keras", [dense3])
    keras3_archive("keras3-lambda.keras", [dense3, keras3_layer("Lambda", {
        "name": "lambda", "trainable": True, "dtype": "float32",
        "function": {"class_name": "__lambda__", "config": {"code": BYTECODE, "defaults": None, "closure": None}},
        "arguments": {}})])
    keras3_archive("keras3-imported-function.keras", [dense3, keras3_layer("Lambda", {
        "name": "lambda", "trainable": True, "dtype": "float32",
        "function": {"module": "os", "class_name": "function", "config": "system", "registered_name": "function"},
        "arguments": {}})])
    keras3_archive("keras3-custom-layer.keras", [dense3, {"module": "mylab.layers", "class_name": "Gate",
                                                           "config": {"name": "gate"}, "registered_name": "mylab>Gate"}])

    with open("auto-map-config.json", "w") as f:
        json.dump({"architectures": ["CustomModel"], "model_type": "custom",
                   "auto_map": {"AutoConfig": "configuration_custom.CustomConfig",
                                "AutoModel": "modeling_custom.CustomModel",
                                "AutoTokenizer": ["tokenization_custom.CustomTokenizer", None]},
                   "hidden_size": 8}, f, indent=2)
    with open("plain-config.json", "w") as f:
        json.dump({"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 8,
                   "notes": {"auto_map": "a nested key of this name is not transformers' auto_map"}}, f, indent=2)


if __name__ == "__main__":
    main()
