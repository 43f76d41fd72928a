#!/usr/bin/env python3
"""Writes the real-artifact corpus: small files written by the real libraries the way training code saves them
(torch checkpoints with optimizer, scheduler, GradScaler and RNG states and the metadata research code keeps, pickled
tensors and modules, every scikit-learn estimator family through joblib and pickle, pandas, scipy.sparse, xgboost).
Every file must scan clean; those of third-party libraries with the profile profiles.json names for them.

Run from this folder on Debian 12 (installs the libraries with apt-get when missing):
    /usr/bin/python3 make_real.py
The files are committed; the tests never need Python. Nothing here loads a file it did not just write.
"""
import argparse
import collections
import datetime
import decimal
import fractions
import importlib.util
import ipaddress
import json
import pathlib
import pickle
import random
import re
import subprocess
import uuid
import warnings
import zoneinfo

HERE = pathlib.Path(__file__).resolve().parent
DEBIAN_PACKAGES = {"torch": "python3-torch", "numpy": "python3-numpy", "sklearn": "python3-sklearn", "joblib": "python3-joblib",
                   "pandas": "python3-pandas", "scipy": "python3-scipy", "xgboost": "python3-xgboost"}
PROFILES = {}


def ensure_libraries():
    missing = [pkg for mod, pkg in DEBIAN_PACKAGES.items() if importlib.util.find_spec(mod) is None]
    if missing:
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", *missing], check=True)


def dump(name, obj, protocol=pickle.DEFAULT_PROTOCOL, profile=None):
    with open(HERE / name, "wb") as f:
        pickle.dump(obj, f, protocol=protocol)
    if profile:
        PROFILES[name] = [profile]


def torch_files():
    import numpy as np
    import torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Dropout(0.1), torch.nn.Linear(3, 2))
    loss = model(torch.randn(2, 4)).sum()
    loss.backward()

    # Optimizer and scheduler states, GradScaler, as trainers checkpoint them.
    for cls, kwargs in [(torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}), (torch.optim.Adam, {"lr": 1e-3}),
                        (torch.optim.AdamW, {"lr": 1e-3}), (torch.optim.RMSprop, {"lr": 1e-3})]:
        optimizer = cls(model.parameters(), **kwargs)
        optimizer.step()
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 1},
                   HERE / f"torch_optimizer_{cls.__name__.lower()}.pt")
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    schedulers = {
        "step": torch.optim.lr_scheduler.StepLR(optimizer, 2),
        "cosine": torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, 10),
        "onecycle": torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=10),
        "plateau": torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer),
        "linear": torch.optim.lr_scheduler.LinearLR(optimizer),
    }
    torch.save({name: s.state_dict() for name, s in schedulers.items()}, HERE / "torch_schedulers.pt")
    torch.save({"scaler": torch.cuda.amp.GradScaler(enabled=False).state_dict(), "scaler_enabled_state": {"scale": 65536.0, "growth_factor": 2.0,
                "backoff_factor": 0.5, "growth_interval": 2000, "_growth_tracker": 0}}, HERE / "torch_gradscaler.pt")

    # RNG states as trainers save them (transformers' rng_state.pth, lightning, timm).
    random.seed(0)
    np.random.seed(0)
    torch.save({"python": random.getstate(), "numpy": np.random.get_state(), "cpu": torch.get_rng_state(),
                "generator": torch.Generator().manual_seed(1).get_state()}, HERE / "torch_rng_state.pth")
    dump("numpy_random_state.pkl", {"legacy": np.random.RandomState(0), "generator": np.random.default_rng(0)}, protocol=4)

    # Checkpoint metadata research code keeps next to the weights.
    torch.save({
        "model": model.state_dict(),
        "args": argparse.Namespace(lr=0.1, layers=[1, 2], name="run", data=pathlib.PosixPath("/data")),
        "data_dir": pathlib.PosixPath("/data"), "run_dir": pathlib.Path("runs/1"), "relative": pathlib.PurePosixPath("runs/1"),
        "windows": pathlib.PureWindowsPath("C:/data"),
        "best": np.float64(0.5), "step": np.int64(3), "ok": np.bool_(True), "half": np.float32(1.5), "dtype": np.dtype("float32"),
        "created": datetime.datetime(2024, 1, 2, 3, 4, 5), "day": datetime.date(2024, 1, 2), "elapsed": datetime.timedelta(minutes=5),
        "utc": datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc), "zone": datetime.datetime(2024, 1, 2, tzinfo=zoneinfo.ZoneInfo("UTC")),
        "counts": collections.defaultdict(int, {"a": 1}), "groups": collections.defaultdict(list), "counter": collections.Counter("aab"),
        "recent": collections.deque([1, 2], maxlen=5), "order": collections.OrderedDict(a=1),
        "run_id": uuid.UUID(int=1), "pattern": re.compile(r"layer\.\d+"), "flag": re.IGNORECASE, "flags": re.IGNORECASE | re.MULTILINE,
        "host": ipaddress.ip_address("10.0.0.1"), "subnet": ipaddress.ip_network("10.0.0.0/8"),
        "decimal": decimal.Decimal("1.5"), "fraction": fractions.Fraction(1, 3),
        "torch_dtype": torch.float16, "device": torch.device("cpu"), "shape": torch.Size([2, 3]),
    }, HERE / "torch_checkpoint_metadata.pt")

    # Tensors inside pickled objects: torch.storage._load_from_bytes with the nested torch file in the pickle.
    dump("pickled_tensor.pkl", torch.arange(6.0))
    dump("pickled_tensors_p2.pkl", {"w": torch.ones(2, 2), "p": torch.nn.Parameter(torch.zeros(3)), "i": torch.arange(3)}, protocol=2)
    dump("pickled_module.pkl", torch.nn.Sequential(torch.nn.Linear(2, 2)), protocol=4)
    torch.save(model, HERE / "torch_sequential_module.pt")
    torch.save(model, HERE / "torch_sequential_module_legacy.pt", _use_new_zipfile_serialization=False)
    import joblib
    joblib.dump({"embedding": torch.ones(3), "ids": np.arange(3)}, HERE / "joblib_with_tensor.joblib")


def sklearn_files():
    import joblib
    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.compose import ColumnTransformer
    from sklearn.decomposition import PCA, TruncatedSVD
    from sklearn.ensemble import (AdaBoostClassifier, GradientBoostingClassifier, GradientBoostingRegressor,
                                  HistGradientBoostingClassifier, IsolationForest, RandomForestRegressor)
    from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
    from sklearn.mixture import GaussianMixture
    from sklearn.model_selection import GridSearchCV
    from sklearn.naive_bayes import GaussianNB, MultinomialNB
    from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import KBinsDiscretizer, LabelEncoder, OneHotEncoder, OrdinalEncoder, PolynomialFeatures, StandardScaler
    from sklearn.svm import SVC, LinearSVC
    from sklearn.tree import DecisionTreeRegressor

    rng = np.random.RandomState(0)
    x = rng.rand(30, 3)
    y, yr = (x[:, 0] > 0.5).astype(int), x[:, 1]
    docs, dy = ["a cat", "a dog", "the cat sat", "dogs bark", "cats meow", "a bird"] * 2, [0, 1, 0, 1, 0, 1] * 2
    fitted = {
        "text_tfidf": make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(docs, dy),
        "text_count_nb": make_pipeline(CountVectorizer(), MultinomialNB()).fit(docs, dy),
        "text_hashing_sgd": make_pipeline(HashingVectorizer(n_features=16), SGDClassifier(random_state=0)).fit(docs, dy),
        "onehot": make_pipeline(OneHotEncoder(handle_unknown="ignore"), LogisticRegression()).fit([["a"], ["b"], ["a"], ["c"]], [0, 1, 0, 1]),
        "column_transformer": make_pipeline(ColumnTransformer([("num", StandardScaler(), [0, 1]), ("ord", OrdinalEncoder(), [2])]), Ridge()).fit(x, yr),
        "knn": KNeighborsClassifier(3).fit(x, y),
        "nearest_kd_tree": NearestNeighbors(n_neighbors=2, algorithm="kd_tree").fit(x),
        "nearest_ball_tree": NearestNeighbors(n_neighbors=2, algorithm="ball_tree").fit(x),
        "gradient_boosting": GradientBoostingClassifier(n_estimators=2, max_depth=2).fit(x, y),
        "gradient_boosting_regressor": GradientBoostingRegressor(n_estimators=2, max_depth=2).fit(x, yr),
        "hist_gradient_boosting": HistGradientBoostingClassifier(max_iter=2).fit(x, y),
        "random_forest": RandomForestRegressor(n_estimators=2, max_depth=2).fit(x, yr),
        "isolation_forest": IsolationForest(n_estimators=2, random_state=0).fit(x),
        "adaboost": AdaBoostClassifier(n_estimators=2).fit(x, y),
        "calibrated": CalibratedClassifierCV(LinearSVC(), cv=2).fit(x, y),
        "svc": SVC().fit(x, y), "tree": DecisionTreeRegressor(max_depth=2).fit(x, yr),
        "kmeans": KMeans(2, n_init=2, random_state=0).fit(x), "minibatch_kmeans": MiniBatchKMeans(2, n_init=2, random_state=0).fit(x),
        "pca": PCA(2).fit(x), "truncated_svd": TruncatedSVD(2).fit(x), "gaussian_nb": GaussianNB().fit(x, y),
        "mlp": MLPClassifier((3,), max_iter=5).fit(x, y), "imputer": SimpleImputer().fit(x), "isotonic": IsotonicRegression().fit(x[:, 0], yr),
        "grid_search": GridSearchCV(LogisticRegression(), {"C": [1, 2]}, cv=2).fit(x, y), "gaussian_mixture": GaussianMixture(2, random_state=0).fit(x),
        "label_encoder": LabelEncoder().fit(["a", "b"]), "polynomial": PolynomialFeatures(2).fit(x), "kbins": KBinsDiscretizer(3).fit(x),
    }
    for name, estimator in fitted.items():
        joblib.dump(estimator, HERE / f"sklearn_{name}.joblib")
    for name in ("text_tfidf", "gradient_boosting", "knn", "hist_gradient_boosting"):
        dump(f"sklearn_{name}_p2.pkl", fitted[name], protocol=2)
        dump(f"sklearn_{name}_p5.pkl", fitted[name], protocol=5)
    for compression in ("zlib", "gzip", "bz2", "lzma", "xz"):
        joblib.dump(fitted["text_tfidf"], HERE / f"sklearn_text_tfidf_{compression}.joblib", compress=compression)


def scipy_files():
    import scipy.sparse as sp
    for fmt in ("csr", "csc", "coo", "bsr", "dia", "lil", "dok"):
        matrix = sp.random(4, 4, density=0.5, format=fmt, random_state=0)
        dump(f"scipy_{fmt}_matrix.pkl", matrix, protocol=4)
        dump(f"scipy_{fmt}_array.pkl", getattr(sp, f"{fmt}_array")(matrix), protocol=2)


def pandas_files():
    import pandas as pd
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": pd.Categorical(["u", "v"]), "t": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                          "n": pd.array([1, None], dtype="Int64")})
    frame.to_pickle(HERE / "pandas_dataframe.pkl")
    PROFILES["pandas_dataframe.pkl"] = ["pandas"]
    pd.Series([1.0, 2.0], name="s").to_pickle(HERE / "pandas_series.pkl")
    PROFILES["pandas_series.pkl"] = ["pandas"]
    dump("pandas_categorical.pkl", pd.Categorical(["a", "b", "a"]), protocol=4, profile="pandas")
    dump("pandas_multiindex_p2.pkl", frame.set_index(["b", "a"]), protocol=2, profile="pandas")


def xgboost_files():
    import joblib
    import numpy as np
    import xgboost as xgb
    rng = np.random.RandomState(0)
    x, y = rng.rand(20, 3), (rng.rand(20) > 0.5).astype(int)
    classifier = xgb.XGBClassifier(n_estimators=2, max_depth=2).fit(x, y)
    joblib.dump(classifier, HERE / "xgboost_classifier.joblib")
    PROFILES["xgboost_classifier.joblib"] = ["xgboost"]
    dump("xgboost_booster.pkl", classifier.get_booster(), protocol=4, profile="xgboost")


def main():
    ensure_libraries()
    warnings.simplefilter("ignore")
    torch_files()
    sklearn_files()
    scipy_files()
    pandas_files()
    xgboost_files()
    (HERE / "profiles.json").write_text(json.dumps(PROFILES, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
