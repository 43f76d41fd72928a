#!/usr/bin/env python3
"""Writes malicious model files with the real libraries, one per trick class of shared/notes/pickle-threats.md,
so the scanner is tested on what torch.save, numpy, joblib and pickle really emit. Loading any of these files
would run a harmless `echo`; this script only writes them and never loads them.

Run from this folder as root on Debian (installs the libraries with apt-get when missing):
    /usr/bin/python3 make_malicious.py
Each file name says the trick; expected.json lists the rule IDs the scanner must report for it.
"""
import bz2
import gzip
import importlib.util
import io
import json
import lzma
import os
import pathlib
import pickle
import struct
import subprocess
import sys
import tarfile
import types
import zipfile
import zlib

HERE = pathlib.Path(__file__).resolve().parent
DEBIAN_PACKAGES = {"torch": "python3-torch", "numpy": "python3-numpy", "joblib": "python3-joblib"}
EXPECTED = {}


class RunsEcho:
    """Unpickling this calls os.system (posix.system on Linux)."""

    def __init__(self, text="pwned"):
        self.text = text

    def __reduce__(self):
        return (os.system, (f"echo {self.text}",))


def write(name, data, *rules):
    (HERE / name).write_bytes(data)
    EXPECTED[name] = sorted(set(rules))


def ensure_libraries():
    missing = [pkg for mod, pkg in DEBIAN_PACKAGES.items() if importlib.util.find_spec(mod) is None]
    if missing:
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", *missing], check=True)


def legacy_tar(payload_in):
    """The tar layout of the first torch.save: sys_info, pickle, storages and tensors members."""
    import torch

    def dumps(obj):
        return pickle.dumps(obj, protocol=2)

    storages = io.BytesIO()
    storages.write(dumps(2))
    for key in ("0", "1"):
        # The payload hides in the key of the second record, after the first record's raw bytes.
        record = (RunsEcho("storage") if payload_in == "storages" and key == "1" else key, "cpu", torch.FloatStorage)
        storages.write(dumps(record))
        storages.write(struct.pack("<q", 3) + struct.pack("<3f", 1.0, 2.0, 3.0))
    tensors = io.BytesIO()
    tensors.write(dumps(1))
    tensors.write(dumps(("t0" if payload_in != "tensors" else RunsEcho("tensor"), "0", torch.FloatTensor)))
    tensors.write(struct.pack("<i", 1) + b"\0\0\0\0" + struct.pack("<q", 3) + struct.pack("<q", 1) + struct.pack("<q", 0))
    members = {
        "sys_info": dumps({"protocol_version": 1000, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}),
        "pickle": dumps({"weight": "t0"}),
        "storages": storages.getvalue(),
        "tensors": tensors.getvalue(),
    }
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def main():
    ensure_libraries()
    import joblib
    import numpy as np
    import torch

    evil = RunsEcho()
    plain = pickle.dumps(evil, protocol=2)

    # torch.save: zip format, legacy stacked pickles, legacy tar with the payload after raw storage bytes.
    buffer = io.BytesIO(); torch.save({"weight": torch.zeros(2), "hook": evil}, buffer)
    write("torch_zip_reduce.pt", buffer.getvalue(), "MG1001")
    buffer = io.BytesIO(); torch.save({"hook": evil}, buffer, _use_new_zipfile_serialization=False)
    write("torch_legacy_reduce.pt", buffer.getvalue(), "MG1001")
    write("torch_legacy_tar_clean.pt", legacy_tar(None))
    write("torch_legacy_tar_storage_payload.pt", legacy_tar("storages"), "MG1001")
    write("torch_legacy_tar_tensor_payload.pt", legacy_tar("tensors"), "MG1001")

    # joblib: the payload inside a pipeline next to real arrays, raw and with every compressor.
    model = {"coef": np.arange(4.0), "hook": evil}
    for method in (None, "zlib", "gzip", "bz2", "xz", "lzma"):
        path = HERE / f"joblib_{method or 'raw'}.joblib"
        joblib.dump(model, path, compress=(method, 3) if method else 0)
        EXPECTED[path.name] = ["MG1001"]
    # An object array written by joblib is a nested pickle after the wrapper.
    joblib.dump({"objects": np.array([evil], dtype=object)}, HERE / "joblib_object_array.joblib")
    EXPECTED["joblib_object_array.joblib"] = ["MG1001"]

    # numpy: object arrays in .npy and inside .npz (stored and deflated).
    out = io.BytesIO(); np.save(out, np.array([evil], dtype=object), allow_pickle=True)
    write("numpy_object.npy", out.getvalue(), "MG1001")
    out = io.BytesIO(); np.savez_compressed(out, ok=np.arange(3), bad=np.array([evil], dtype=object))
    write("numpy_object_compressed.npz", out.getvalue(), "MG1001")

    # Compressed wrappers around a raw pickle.
    write("pickle.gz", gzip.compress(plain), "MG1001")
    write("pickle.bz2", bz2.compress(plain), "MG1001")
    write("pickle.xz", lzma.compress(plain), "MG1001")
    write("pickle.zlib", zlib.compress(plain), "MG1001")

    # Name tricks: a pickle named as an image, as JSON and as safetensors.
    write("photo.png", plain, "MG1001", "MG3010")
    write("config.json", plain, "MG1001", "MG3010")
    write("model.safetensors", plain, "MG1001", "MG3011")

    # A pickle with a zip appended: torch.load reads the pickle, zip readers the archive.
    benign_zip = io.BytesIO(); torch.save({"weight": torch.zeros(2)}, benign_zip)
    write("pickle_then_zip.pt", plain + benign_zip.getvalue(), "MG1001", "MG3006")

    # A tar.gz bundle with a long (GNU) member name and a PAX path.
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz", format=tarfile.GNU_FORMAT) as tar:
        info = tarfile.TarInfo("models/" + "deep/" * 30 + "model.pkl"); info.size = len(plain)
        tar.addfile(info, io.BytesIO(plain))
    write("bundle_long_name.tar.gz", out.getvalue(), "MG1001")
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("modèle/données.pkl"); info.size = len(plain)
        tar.addfile(info, io.BytesIO(plain))
    write("bundle_pax.tar", out.getvalue(), "MG1001")

    (HERE / "expected.json").write_text(json.dumps(EXPECTED, indent=1, sort_keys=True) + "\n")
    print("\n".join(sorted(EXPECTED)))


if __name__ == "__main__":
    sys.exit(main())
