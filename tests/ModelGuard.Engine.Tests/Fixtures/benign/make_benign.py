#!/usr/bin/env python3
"""Writes small benign model files with the real libraries, so the scanner is checked against what
torch.save, numpy, scikit-learn and joblib actually emit. Every file written here must scan clean.

Run from this folder as root on Debian (installs the libraries with apt-get when missing):
    /usr/bin/python3 make_benign.py
The files are committed; the tests never need Python. Nothing here loads a file it did not just write.
"""
import importlib
import pathlib
import pickle
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
DEBIAN_PACKAGES = {"torch": "python3-torch", "numpy": "python3-numpy", "sklearn": "python3-sklearn", "joblib": "python3-joblib"}


def ensure_libraries():
    missing = [pkg for mod, pkg in DEBIAN_PACKAGES.items() if importlib.util.find_spec(mod) is None]
    if missing:
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", *missing], check=True)


def main():
    ensure_libraries()
    import joblib
    import numpy as np
    import torch
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(8, 2))

    # torch.save in the zip format (default since 1.6), the legacy stacked-pickle format, a full module.
    torch.save(model.state_dict(), HERE / "torch_state_dict.pt")
    torch.save(model.state_dict(), HERE / "torch_state_dict_legacy.pt", _use_new_zipfile_serialization=False)
    torch.save(model, HERE / "torch_full_module.pt")

    # Optimizer checkpoint with nested dicts, ints, floats and tensors.
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model(torch.zeros(1, 1, 4, 4)).sum().backward()
    optimizer.step()
    torch.save({"epoch": 3, "model": model.state_dict(), "optimizer": optimizer.state_dict(), "loss": 0.25},
               HERE / "torch_optimizer_checkpoint.pt")

    # Quantized, sparse, half, int and bool tensors, a Parameter.
    tensors = {
        "quantized": torch.quantize_per_tensor(torch.rand(4), 0.1, 10, torch.quint8),
        "per_channel": torch.quantize_per_channel(torch.rand(2, 3), torch.tensor([0.1, 0.2]), torch.tensor([0, 1]), 0, torch.qint8),
        "sparse": torch.eye(3).to_sparse(),
        "half": torch.ones(2, dtype=torch.float16),
        "int": torch.arange(5),
        "bool": torch.tensor([True, False]),
        "param": torch.nn.Parameter(torch.ones(2)),
    }
    torch.save(tensors, HERE / "torch_tensor_kinds.pt")

    # TorchScript: an archive with code/ that torch.jit.load compiles.
    torch.jit.script(model).save(str(HERE / "torchscript_module.pt"))

    # numpy arrays pickled directly, in protocols 2, 4 and 5.
    arrays = {"f": np.linspace(0, 1, 5, dtype=np.float32), "i": np.arange(6).reshape(2, 3),
              "rec": np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]), "s": np.float64(1.5)}
    for protocol in (2, 4, 5):
        (HERE / f"numpy_arrays_p{protocol}.pkl").write_bytes(pickle.dumps(arrays, protocol=protocol))

    # .npy / .npz, plain and with an object array (whose data is a pickle).
    np.save(HERE / "numpy_plain.npy", arrays["i"])
    np.save(HERE / "numpy_object.npy", np.array([1, "two", None, 3.5], dtype=object), allow_pickle=True)
    np.savez(HERE / "numpy_bundle.npz", f=arrays["f"], i=arrays["i"])
    np.savez_compressed(HERE / "numpy_bundle_compressed.npz", f=arrays["f"], o=np.array([{"k": 1}], dtype=object))

    # scikit-learn estimators through joblib, raw and with each compressor joblib offers.
    x = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.9, 0.1]])
    y = np.array([0, 1, 0, 1])
    pipeline = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]).fit(x, y)
    joblib.dump(pipeline, HERE / "sklearn_pipeline.joblib")
    for method in ("zlib", "gzip", "bz2", "xz", "lzma"):
        joblib.dump(pipeline, HERE / f"sklearn_pipeline_{method}.joblib", compress=(method, 3))
    joblib.dump(RandomForestClassifier(n_estimators=2, random_state=0).fit(x, y), HERE / "sklearn_forest.joblib")
    (HERE / "sklearn_tree_p4.pkl").write_bytes(pickle.dumps(DecisionTreeClassifier(random_state=0).fit(x, y), protocol=4))

    print("\n".join(sorted(p.name for p in HERE.iterdir() if p.suffix != ".py")))


if __name__ == "__main__":
    sys.exit(main())
