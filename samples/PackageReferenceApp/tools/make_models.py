#!/usr/bin/env python3
"""Writes the three model files the PackageReferenceApp sample bundles. Python's standard library only.

Rerun (from the repository root; the output is byte-for-byte the same every time):
    /usr/bin/python3 samples/PackageReferenceApp/tools/make_models.py

The files are committed, so building the sample needs no Python. None of them runs code when loaded.

models/classifier.safetensors  a 2x4 float32 weight and a bias of 2, in the safetensors layout (8-byte header length, JSON
                               header padded with spaces to 8 bytes, tensor data): what safetensors.torch.save_file writes.
models/vocabulary.pkl          pickle.dumps (protocol 4) of a contoso.text.Vocabulary, the app's own class: ModelGuard cannot
                               know that class (MG1002) until the project allows it with a ModelGuardAllowedGlobal item.
models/detector.tflite         the smallest TensorFlow Lite flatbuffer (file identifier TFL3, a Model table with version 3 and
                               no subgraphs), standing in for an on-device model: ModelGuard recognises the format but does not
                               verify it (MG3030, a warning), which the sample's .editorconfig lowers to a suggestion.
"""

import json
import pathlib
import pickle
import struct
import sys
import types

MODELS = pathlib.Path(__file__).resolve().parent.parent / "models"


def safetensors(tensors):
    """tensors: name -> (dtype, shape, little-endian float32 values)."""
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, (dtype, shape, values) in tensors.items():
        raw = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def vocabulary():
    # The class lives in the app's own (here: made-up) Python package, as a tokenizer's vocabulary would.
    module = types.ModuleType("contoso.text")
    sys.modules["contoso"] = types.ModuleType("contoso")
    sys.modules["contoso.text"] = module

    class Vocabulary:
        def __init__(self, tokens):
            self.tokens = {token: index for index, token in enumerate(tokens)}
            self.unknown = 0

    Vocabulary.__module__ = "contoso.text"
    Vocabulary.__qualname__ = "Vocabulary"
    module.Vocabulary = Vocabulary
    return pickle.dumps(Vocabulary(["<unk>", "hello", "model", "guard"]), protocol=4)


def tflite():
    root = 16
    vtable = struct.pack("<HHH", 6, 8, 4) + b"\0\0"  # vtable size, table size, field 0 (version) at table offset 4
    table = struct.pack("<iI", root - 8, 3)  # offset back to the vtable at 8; version 3
    return struct.pack("<I", root) + b"TFL3" + vtable + table


def main():
    MODELS.mkdir(exist_ok=True)
    files = {
        "classifier.safetensors": safetensors({
            "weight": ("F32", [2, 4], [0.5, -0.25, 0.125, 1.0, -1.0, 0.75, 0.0, 0.25]),
            "bias": ("F32", [2], [0.1, -0.1]),
        }),
        "vocabulary.pkl": vocabulary(),
        "detector.tflite": tflite(),
    }
    for name, content in files.items():
        (MODELS / name).write_bytes(content)
        print(f"wrote {MODELS / name} ({len(content)} bytes)")


if __name__ == "__main__":
    main()
