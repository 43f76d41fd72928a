#!/usr/bin/python3
"""Records onnx.checker.check_model(full_check=True) verdicts (Debian's python3-onnx 1.12) into reference-verdicts.tsv.

Run from this folder with /usr/bin/python3 make_reference_verdicts.py after make_onnx.py. Rows: every fixture model (checked
from its path, so its external data is looked at too) and deterministic mutations of the inline benign models: byte-level ones
(bit flips, byte overwrites, truncations, insertions, duplicated chunks) and protobuf-level ones (dims, data types, names,
versions, domains, external data entries). Every check runs in a forked child, so a crash of the checker is recorded, not fatal.

Columns: verdict (OK, or the category of the checker's error, see CATEGORIES), the fixture path or "mutation:<seed>", the
model in base64 (empty for fixtures), the checker's message (first line, 200 characters).
"""
import base64
import json
import os
import random
import re
import sys

import onnx
from onnx import TensorProto, checker

HERE = os.path.dirname(os.path.abspath(__file__))
MUTATIONS_PER_MODEL = 450

# (category, pattern) in order; the first match names the row's verdict. OnnxReferenceVerdictTests decides which categories
# are safety-relevant (ModelGuard must flag the file) and which are cosmetic (operator schemas, type and shape inference, node
# order, naming, metadata keys, what this checker version does not know yet), as documented in docs/onnx.md.
CATEGORIES = [
    ("Parse", r"DecodeError|Unable to parse|Error parsing"),
    ("ExternalData", r"should be stored in|[Ee]xternal data|external_data|location"),
    ("Inference", r"InferenceError|ShapeInference|TypeInference|[Ii]nferred|has unsupported type"),
    ("CheckerVersion", r"higher than the checker's|IR version < 3 cannot have opset_import|No Opset registered for domain|is not compatible with the version imported|Invalid tensor data type (1[7-9]|2[0-6])\."),
    ("Metadata", r"duplicate keys in metadata_props"),
    ("Schema", r"No Op registered|Unrecognized attribute|[Rr]equired attribute|input size|output size|of 'attr'"),
    ("Versions", r"ir_version|IR version|[Oo]pset|opset_import"),
    ("SSA", r"SSA|multiple times|[Dd]uplicate"),
    ("NodeOrder", r"topologically sorted"),
    ("Naming", r"is required to be non-empty|in initializer but not in graph input|marked single but has an empty string"),
    ("TensorData", r"raw_data|data_type|data type|value field|0-element|TensorProto|SparseTensorProto|[Ss]parse|dims|indices|elements"),
    ("Function", r"[Ff]unction"),
    ("Schema", r"No Op registered|[Aa]ttribute|input size|output size|out of bounds|op_type|[Nn]ode"),
]


def categorize(message):
    for name, pattern in CATEGORIES:
        if re.search(pattern, message):
            return name
    return "Other"


def check_in_child(payload, path):
    """Runs the checker in a forked child; returns (verdict, message)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            if path is not None:
                checker.check_model(path, full_check=True)
            else:
                model = onnx.load_from_string(payload)
                checker.check_model(model, full_check=True)
            result = ("OK", "")
        except Exception as ex:  # noqa: BLE001 - every checker failure is a verdict
            text = f"{type(ex).__name__}: {ex}".strip().splitlines()
            message = text[0] if text else type(ex).__name__
            if type(ex).__name__ == "DecodeError":
                result = ("Parse", message)
            else:
                result = (categorize(" ".join(text)), message)
        with os.fdopen(write, "w") as f:
            f.write(json.dumps(result))
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        data = f.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        return "Crash", f"the checker died with status {status}"
    return tuple(json.loads(data))


def byte_mutation(rng, data):
    data = bytearray(data)
    kind = rng.randrange(6)
    if kind == 0:
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
    elif kind == 1:
        i = rng.randrange(len(data))
        data[i] = rng.choice([0x00, 0x7F, 0x80, 0xFF, 0x08, 0x0A, 0x12, 0x3A, 0x42])
    elif kind == 2:
        del data[rng.randrange(1, len(data)):]
    elif kind == 3:
        i = rng.randrange(len(data))
        data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    elif kind == 4:
        i = rng.randrange(len(data))
        j = min(len(data), i + rng.randint(1, 64))
        data[j:j] = data[i:j]
    else:
        i = rng.randrange(len(data))
        del data[i:i + rng.randint(1, 16)]
    return bytes(data)


def all_tensors(model):
    graphs = [model.graph]
    tensors = []
    while graphs:
        g = graphs.pop()
        tensors.extend(g.initializer)
        for s in g.sparse_initializer:
            tensors.extend([s.values, s.indices])
        for n in g.node:
            for a in n.attribute:
                if a.HasField("t"):
                    tensors.append(a.t)
                if a.HasField("g"):
                    graphs.append(a.g)
                if a.HasField("sparse_tensor"):
                    tensors.extend([a.sparse_tensor.values, a.sparse_tensor.indices])
    return tensors


def all_nodes(model):
    graphs = [model.graph]
    nodes = []
    while graphs:
        g = graphs.pop()
        for n in g.node:
            nodes.append(n)
            graphs.extend(a.g for a in n.attribute if a.HasField("g"))
    for f in model.functions:
        nodes.extend(f.node)
    return nodes


def structural_mutation(rng, data):
    model = onnx.load_from_string(data)
    tensors = all_tensors(model)
    nodes = all_nodes(model)
    kind = rng.randrange(14)
    if kind == 0 and tensors:
        t = rng.choice(tensors)
        if t.dims:
            t.dims[rng.randrange(len(t.dims))] = rng.choice([-1, 0, 5, 1 << 33, -(1 << 62)])
        else:
            t.dims.append(rng.choice([-1, 2, 7]))
    elif kind == 1 and tensors:
        rng.choice(tensors).data_type = rng.choice([0, 8, 11, 30, 99, 7, 2])
    elif kind == 2 and tensors:
        t = rng.choice(tensors)
        if t.raw_data:
            t.raw_data = t.raw_data[: rng.randrange(len(t.raw_data))] if rng.random() < 0.5 else t.raw_data + b"\0" * rng.randint(1, 8)
        else:
            t.raw_data = b"\0" * rng.randint(1, 16)
    elif kind == 3 and nodes:
        n = rng.choice(nodes)
        if n.input:
            n.input[rng.randrange(len(n.input))] = rng.choice(["undefined", "Y", n.output[0] if n.output else "z", ""])
    elif kind == 4 and nodes:
        n = rng.choice(nodes)
        other = rng.choice(nodes)
        if n.output and other.output:
            n.output[0] = other.output[0]
    elif kind == 5:
        model.ir_version = rng.choice([0, 1, 2, 3, 7, 9, 10, 14, 99])
    elif kind == 6 and model.opset_import:
        model.opset_import[0].version = rng.choice([0, 1, 6, 13, 17, 18, 27, 1000])
    elif kind == 7 and nodes:
        rng.choice(nodes).domain = rng.choice(["com.microsoft", "ai.onnx.contrib", "evil.domain", "ai.onnx.ml"])
    elif kind == 8 and tensors:
        t = rng.choice(tensors)
        t.data_location = TensorProto.EXTERNAL
        t.ClearField("raw_data")
        loc = rng.choice(["../../etc/passwd", "/etc/passwd", "missing.bin", "C:/x.bin", "\\\\host\\share\\x", "sub/../../x"])
        t.external_data.add(key="location", value=loc)
        if rng.random() < 0.5:
            t.external_data.add(key=rng.choice(["offset", "length", "location", "basepath"]), value=rng.choice(["0", "-1", "abc", "1024", "x"]))
    elif kind == 9 and model.graph.initializer:
        del model.graph.initializer[rng.randrange(len(model.graph.initializer))]
    elif kind == 10 and model.graph.output:
        model.graph.output[0].name = rng.choice(["nothing", model.graph.input[0].name if model.graph.input else "x"])
    elif kind == 11 and nodes:
        n = rng.choice(nodes)
        n.op_type = rng.choice(["PythonOp", "Foo", "Identity", "Add", ""])
    elif kind == 12 and tensors:
        t = rng.choice(tensors)
        t.float_data.extend([1.0] * rng.randint(1, 3))
    elif kind == 13 and model.graph.input:
        model.graph.input.add().CopyFrom(model.graph.input[0])
    return model.SerializeToString()


def recategorize():
    """Re-derives the categories of a recorded table from its messages (after CATEGORIES changed), without running the checker."""
    path = os.path.join(HERE, "reference-verdicts.tsv")
    lines = open(path).read().splitlines()
    with open(path, "w") as f:
        for line in lines:
            columns = line.split("\t")
            if not line.startswith("#") and columns[0] not in ("OK", "Crash", "Parse"):
                columns[0] = categorize(columns[3])
            f.write("\t".join(columns) + "\n")


def main():
    with open(os.path.join(HERE, "expected.json")) as f:
        expected = json.load(f)
    rows = []
    for name in sorted(expected):
        if name.endswith(".json"):
            continue
        verdict, message = check_in_child(None, os.path.join(HERE, name))
        rows.append((verdict, name, "", message))
    bases = ["benign/initializers/model.onnx", "benign/subgraphs/model.onnx", "benign/sparse/model.onnx", "benign/functions/model.onnx",
             "benign/typed_data/model.onnx", "benign/contrib/model.onnx"]
    seed = 0
    for base in bases:
        data = open(os.path.join(HERE, base), "rb").read()
        for i in range(MUTATIONS_PER_MODEL):
            seed += 1
            rng = random.Random(seed)
            mutated = structural_mutation(rng, data) if i % 3 == 0 else byte_mutation(rng, data)
            if mutated == data:
                continue
            verdict, message = check_in_child(mutated, None)
            rows.append((verdict, f"mutation:{seed}:{base}", base64.b64encode(mutated).decode(), message))
    with open(os.path.join(HERE, "reference-verdicts.tsv"), "w") as f:
        f.write("# onnx.checker.check_model(full_check=True) verdicts, Debian python3-onnx %s, written by make_reference_verdicts.py.\n" % onnx.__version__)
        f.write("# Columns: verdict category, fixture or mutation:<seed>:<base model>, model in base64 (mutations only), checker message.\n")
        for verdict, name, payload, message in rows:
            clean = re.sub(r"[\t\r\n]", " ", message)[:200]
            f.write(f"{verdict}\t{name}\t{payload}\t{clean}\n")
    counts = {}
    for r in rows:
        counts[r[0]] = counts.get(r[0], 0) + 1
    print(len(rows), "rows", counts, file=sys.stderr)


if __name__ == "__main__":
    recategorize() if sys.argv[1:] == ["--recategorize"] else main()
