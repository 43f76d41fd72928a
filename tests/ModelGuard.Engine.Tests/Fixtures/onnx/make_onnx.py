#!/usr/bin/python3
"""Writes the ONNX fixtures: benign models built with Debian's python3-onnx (1.12) and crafted malicious or malformed ones.

Run from this folder with /usr/bin/python3 make_onnx.py. Every model is written by onnx itself (helper, numpy_helper,
external_data_helper, SerializeToString); the crafted ones are real models whose protobuf fields were then set to hostile
values, or bytes cut or patched afterwards where no protobuf API can express the damage. expected.json lists the rules
ModelGuard must report for each file (an empty list: the file must scan clean). Deterministic: no randomness, fixed names.
"""
import json
import os
import pickle
import shutil
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.external_data_helper import convert_model_to_external_data, set_external_data

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 17)]
expected = {}


def write(folder, name, model, rules, *, raw=None, external=None):
    """Writes model (or raw bytes) to <folder>/<name>; external maps extra file names to their bytes."""
    path = os.path.join(HERE, folder)
    os.makedirs(path, exist_ok=True)
    data = raw if raw is not None else model.SerializeToString()
    with open(os.path.join(path, name), "wb") as f:
        f.write(data)
    for extra, content in (external or {}).items():
        with open(os.path.join(path, extra), "wb") as f:
            f.write(content)
    expected[f"{folder}/{name}"] = sorted(rules)


def linear(name="linear", with_metadata=True):
    w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(3, 4) / 10, "W")
    b = numpy_helper.from_array(np.array([0.5, -0.5, 1.0, 2.0], dtype=np.float32), "B")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["X", "W"], ["XW"], name="matmul"), helper.make_node("Add", ["XW", "B"], ["Y"], name="add")],
        name,
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2, 4])],
        [w, b],
        doc_string="Y = X W + B",
    )
    model = helper.make_model(graph, producer_name="modelguard-fixtures", producer_version="1", opset_imports=OPSET)
    if with_metadata:
        helper.set_model_props(model, {"author": "ModelGuard", "license": "MIT", "description": "a linear layer"})
    return model


def external(model, one_file=True, location="model.onnx.data"):
    """Moves every initializer to external data the way onnx.save_model(save_as_external_data=True) does; returns the files."""
    folder = os.path.join(HERE, "_tmp")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    convert_model_to_external_data(model, all_tensors_to_one_file=one_file, location=location if one_file else None, size_threshold=0)
    onnx.save_model(model, os.path.join(folder, "model.onnx"))
    files = {n: open(os.path.join(folder, n), "rb").read() for n in os.listdir(folder) if n != "model.onnx"}
    result = onnx.load(os.path.join(folder, "model.onnx"), load_external_data=False)
    shutil.rmtree(folder)
    return result, files


def benign():
    write("benign/initializers", "model.onnx", linear(), [])

    m, files = external(linear())
    write("benign/external_one_file", "model.onnx", m, [], external=files)

    m, files = external(linear(), one_file=False)
    write("benign/external_per_tensor", "model.onnx", m, [], external=files)

    # If with both branches reading an outer value, Loop whose body reads an outer initializer, Constant attribute tensors.
    then_g = helper.make_graph([helper.make_node("Add", ["X", "K"], ["t_out"], name="then_add")], "then", [], [helper.make_tensor_value_info("t_out", TensorProto.FLOAT, [3])])
    else_g = helper.make_graph([helper.make_node("Sub", ["X", "K"], ["e_out"], name="else_sub")], "else", [], [helper.make_tensor_value_info("e_out", TensorProto.FLOAT, [3])])
    body = helper.make_graph(
        [
            helper.make_node("Identity", ["cond_in"], ["cond_out"], name="body_cond"),
            helper.make_node("Add", ["acc_in", "K"], ["acc_out"], name="body_add"),
        ],
        "body",
        [
            helper.make_tensor_value_info("iter", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("acc_in", TensorProto.FLOAT, [3]),
        ],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []), helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, [3])],
    )
    k = numpy_helper.from_array(np.array([1, 2, 3], dtype=np.float32), "K")
    graph = helper.make_graph(
        [
            helper.make_node("Constant", [], ["C"], name="const", value=numpy_helper.from_array(np.array(True), "c_value")),
            helper.make_node("Constant", [], ["N"], name="trip", value=helper.make_tensor("n_value", TensorProto.INT64, [], [3])),
            helper.make_node("If", ["C"], ["branch"], name="if0", then_branch=then_g, else_branch=else_g),
            helper.make_node("Loop", ["N", "C", "branch"], ["Y"], name="loop0", body=body),
        ],
        "subgraphs",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [3])],
        [k],
    )
    write("benign/subgraphs", "model.onnx", helper.make_model(graph, producer_name="modelguard-fixtures", opset_imports=OPSET), [])

    # Sparse initializer and a Constant with a sparse_value attribute.
    values = numpy_helper.from_array(np.array([1.5, 2.5], dtype=np.float32), "S")
    indices = numpy_helper.from_array(np.array([1, 6], dtype=np.int64), "S_indices")
    sparse = helper.make_sparse_tensor(values, indices, [2, 4])
    values2 = numpy_helper.from_array(np.array([7.0], dtype=np.float32), "SC")
    indices2 = numpy_helper.from_array(np.array([[0, 1]], dtype=np.int64), "SC_indices")
    graph = helper.make_graph(
        [
            helper.make_node("Constant", [], ["SCd"], name="sparse_const", sparse_value=helper.make_sparse_tensor(values2, indices2, [2, 4])),
            helper.make_node("Add", ["X", "S"], ["T"], name="add_sparse"),
            helper.make_node("Add", ["T", "SCd"], ["Y"], name="add_const"),
        ],
        "sparse",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2, 4])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2, 4])],
        sparse_initializer=[sparse],
    )
    write("benign/sparse", "model.onnx", helper.make_model(graph, producer_name="modelguard-fixtures", opset_imports=OPSET), [])

    # A model-local function (ir 8 + opset 17), called twice.
    fn = helper.make_function(
        "local.fixtures", "Affine", ["x", "a", "b"], ["y"],
        [helper.make_node("Mul", ["x", "a"], ["xa"]), helper.make_node("Add", ["xa", "b"], ["y"])],
        [helper.make_opsetid("", 17)],
    )
    a = numpy_helper.from_array(np.array([2.0], dtype=np.float32), "A")
    graph = helper.make_graph(
        [
            helper.make_node("Affine", ["X", "A", "A"], ["T"], domain="local.fixtures", name="affine1"),
            helper.make_node("Affine", ["T", "A", "A"], ["Y"], domain="local.fixtures", name="affine2"),
        ],
        "functions",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])],
        [a],
    )
    model = helper.make_model(graph, producer_name="modelguard-fixtures", opset_imports=OPSET + [helper.make_opsetid("local.fixtures", 1)], functions=[fn])
    write("benign/functions", "model.onnx", model, [])

    # Typed data fields instead of raw_data, and a string tensor.
    graph = helper.make_graph(
        [
            helper.make_node("Add", ["X", "F"], ["Y"], name="add_f"),
            helper.make_node("Identity", ["I64"], ["Z"], name="id_i64"),
            helper.make_node("Identity", ["I8"], ["Z8"], name="id_i8"),
            helper.make_node("Identity", ["Str"], ["ZS"], name="id_str"),
            helper.make_node("Identity", ["D"], ["ZD"], name="id_d"),
        ],
        "typed",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3])],
        [
            helper.make_tensor_value_info("Y", TensorProto.FLOAT, [3]),
            helper.make_tensor_value_info("Z", TensorProto.INT64, [2]),
            helper.make_tensor_value_info("Z8", TensorProto.INT8, [3]),
            helper.make_tensor_value_info("ZS", TensorProto.STRING, [2]),
            helper.make_tensor_value_info("ZD", TensorProto.DOUBLE, [2]),
        ],
        [
            helper.make_tensor("F", TensorProto.FLOAT, [3], [1.0, 2.0, 3.0]),
            helper.make_tensor("I64", TensorProto.INT64, [2], [-1, 1 << 40]),
            helper.make_tensor("I8", TensorProto.INT8, [3], [-128, 0, 127]),
            helper.make_tensor("Str", TensorProto.STRING, [2], [b"hello", b"world"]),
            helper.make_tensor("D", TensorProto.DOUBLE, [2], [0.25, -8.0]),
        ],
    )
    write("benign/typed_data", "model.onnx", helper.make_model(graph, producer_name="modelguard-fixtures", opset_imports=OPSET), [])

    # ONNX Runtime contrib operator (com.microsoft Gelu): built into every ONNX Runtime.
    graph = helper.make_graph(
        [helper.make_node("Gelu", ["X"], ["Y"], domain="com.microsoft", name="gelu")],
        "contrib",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])],
    )
    write("benign/contrib", "model.onnx", helper.make_model(graph, producer_name="modelguard-fixtures", opset_imports=OPSET + [helper.make_opsetid("com.microsoft", 1)]), [])

    # An ONNX model named .bin is still ONNX (and clean).
    write("benign/named_bin", "weights.bin", linear(), [])

    # An ONNX Runtime GenAI folder without native code.
    write("benign/genai", "model.onnx", linear(), [])
    config = {"model": {"type": "phi3", "context_length": 4096, "decoder": {"filename": "model.onnx", "session_options": {"log_id": "onnxruntime-genai", "provider_options": []}}}, "search": {"max_length": 64}}
    write("benign/genai", "genai_config.json", None, [], raw=json.dumps(config, indent=2).encode())


def set_location(tensor, location, **extra):
    set_external_data(tensor, location, **extra)
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL


def escapes():
    for case, location in [
        ("dotdot", "../../../../../../etc/passwd"),
        ("nested_dotdot", "weights/../../secret.bin"),
        ("absolute", "/etc/passwd"),
        ("proc", "/proc/self/environ"),
        ("drive", "C:/Windows/win.ini"),
        ("unc", "\\\\attacker.example\\share\\w.bin"),
        ("device_namespace", "\\\\?\\C:\\Windows\\win.ini"),
        ("device_name", "CON"),
        ("backslash", "..\\..\\secret.bin"),
        ("ort_memory_address", "*/_ORT_MEM_ADDR_/*"),
    ]:
        m = linear()
        set_location(m.graph.initializer[0], location, offset=0, length=48)
        write(f"malicious/escape_{case}", "model.onnx", m, ["MG5001"])

    # The same escape hidden in a Constant node's tensor attribute, and in a sparse initializer's values or indices.
    graph = helper.make_graph(
        [helper.make_node("Constant", [], ["Y"], name="const", value=numpy_helper.from_array(np.zeros(4, dtype=np.float32), "leak"))],
        "attribute", [], [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])],
    )
    m = helper.make_model(graph, producer_name="modelguard-fixtures", opset_imports=OPSET)
    set_location(m.graph.node[0].attribute[0].t, "../../.ssh/id_rsa", offset=0, length=16)
    write("malicious/escape_attribute_tensor", "model.onnx", m, ["MG5001"])

    for part in ["values", "indices"]:
        values = numpy_helper.from_array(np.array([1.5, 2.5], dtype=np.float32), "S")
        indices = numpy_helper.from_array(np.array([1, 6], dtype=np.int64), "S_indices")
        sparse = helper.make_sparse_tensor(values, indices, [2, 4])
        set_location(getattr(sparse, part), "/etc/shadow", offset=0, length=8 if part == "values" else 16)
        graph = helper.make_graph(
            [helper.make_node("Add", ["X", "S"], ["Y"], name="add")], "sparse",
            [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2, 4])], [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2, 4])],
            sparse_initializer=[sparse],
        )
        write(f"malicious/escape_sparse_{part}", "model.onnx", helper.make_model(graph, producer_name="modelguard-fixtures", opset_imports=OPSET), ["MG5001"])


def external_problems():
    def base():
        return external(linear())

    m, files = base()
    m.graph.initializer[1].external_data[1].value = str(len(files["model.onnx.data"]) + 4096)  # offset past the end
    write("malformed/external_offset_past_end", "model.onnx", m, ["MG5002"], external=files)

    m, files = base()
    for e in m.graph.initializer[0].external_data:
        if e.key == "length":
            e.value = "4"
    write("malformed/external_length_mismatch", "model.onnx", m, ["MG5002"], external=files)

    m, files = base()
    second = m.graph.initializer[1]
    for e in second.external_data:
        if e.key == "offset":
            e.value = "16"
    write("malformed/external_overlap", "model.onnx", m, ["MG5002"], external=files)

    m, files = base()
    m.graph.initializer[0].external_data.add(key="checksum", value="0" * 40)
    write("malformed/external_checksum", "model.onnx", m, ["MG5003"], external=files)

    m, files = base()
    m.graph.initializer[0].external_data.add(key="location", value="other.data")
    write("malformed/external_duplicate_location", "model.onnx", m, ["MG5004"], external=dict(files, **{"other.data": files["model.onnx.data"]}))

    m, files = base()
    m.graph.initializer[0].external_data.add(key="__class__", value="x")
    write("malformed/external_unknown_key", "model.onnx", m, ["MG5004"], external=files)

    m, files = base()
    write("malformed/external_missing_file", "model.onnx", m, ["MG5005"])


def operators():
    graph = helper.make_graph(
        [helper.make_node("PythonOp", ["X"], ["Y"], domain="com.microsoft", name="py", func_name="os.system", input_convention="d")],
        "python", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])], [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])],
    )
    write("malicious/python_op", "model.onnx", helper.make_model(graph, producer_name="modelguard-fixtures", opset_imports=OPSET + [helper.make_opsetid("com.microsoft", 1)]), ["MG5010"])

    graph = helper.make_graph(
        [
            helper.make_node("GPT2Tokenizer", ["X"], ["T"], domain="ai.onnx.contrib", name="tok"),
            helper.make_node("BpeDecoder", ["T"], ["Y"], domain="ai.onnx.contrib", name="dec"),
        ],
        "custom", [helper.make_tensor_value_info("X", TensorProto.STRING, [1])], [helper.make_tensor_value_info("Y", TensorProto.STRING, [1])],
    )
    write("malicious/custom_domain", "model.onnx", helper.make_model(graph, producer_name="modelguard-fixtures", opset_imports=OPSET + [helper.make_opsetid("ai.onnx.contrib", 1)]), ["MG5011"])


def structure():
    m = linear()
    m.graph.initializer[0].dims[0] = -3
    write("malformed/negative_dim", "model.onnx", m, ["MG5021"])

    m = linear()
    m.graph.initializer[0].raw_data = m.graph.initializer[0].raw_data[:-4]
    write("malformed/raw_data_short", "model.onnx", m, ["MG5021"])

    m = linear()
    m.graph.initializer[0].dims[:] = [1 << 31, 1 << 31, 1 << 31]
    write("malformed/dims_overflow", "model.onnx", m, ["MG5021"])

    m = linear()
    m.graph.initializer[0].data_type = 99
    write("malformed/unknown_data_type", "model.onnx", m, ["MG5021"])

    m = linear()
    m.graph.node[1].input[0] = "nowhere"
    write("malformed/undefined_input", "model.onnx", m, ["MG5022"])

    m = linear()
    m.graph.node[1].output[0] = "XW"
    write("malformed/duplicate_output", "model.onnx", m, ["MG5022"])

    m = linear()
    m.graph.node[0].input[0] = "Y"  # matmul reads add's output, add reads matmul's: a cycle
    write("malformed/cycle", "model.onnx", m, ["MG5022"])

    fa = helper.make_function("local.fixtures", "Ping", ["x"], ["y"], [helper.make_node("Pong", ["x"], ["y"], domain="local.fixtures")], OPSET + [helper.make_opsetid("local.fixtures", 1)])
    fb = helper.make_function("local.fixtures", "Pong", ["x"], ["y"], [helper.make_node("Ping", ["x"], ["y"], domain="local.fixtures")], OPSET + [helper.make_opsetid("local.fixtures", 1)])
    graph = helper.make_graph([helper.make_node("Ping", ["X"], ["Y"], domain="local.fixtures", name="ping")], "recursion",
                              [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1])], [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1])])
    write("malformed/recursive_functions", "model.onnx",
          helper.make_model(graph, producer_name="modelguard-fixtures", opset_imports=OPSET + [helper.make_opsetid("local.fixtures", 1)], functions=[fa, fb]), ["MG5022"])

    m = linear()
    m.ir_version = 99
    write("malformed/ir_version_99", "model.onnx", m, ["MG5023"])

    m = linear()
    m.opset_import[0].version = 99
    write("malformed/opset_99", "model.onnx", m, ["MG5023"])

    # If nodes nested 40 deep: each then branch holds the next If.
    leaf = helper.make_graph([helper.make_node("Identity", ["X"], ["out"], name="leaf")], "leaf", [], [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1])])
    inner = leaf
    for depth in range(40):
        node = helper.make_node("If", ["C"], ["out"], name=f"if{depth}", then_branch=inner, else_branch=leaf)
        inner = helper.make_graph([node], f"level{depth}", [], [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1])])
    graph = helper.make_graph(list(inner.node), "deep", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1]), helper.make_tensor_value_info("C", TensorProto.BOOL, [])],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1])])
    write("malformed/deep_subgraphs", "model.onnx", helper.make_model(graph, producer_name="modelguard-fixtures", opset_imports=OPSET), ["MG5025"])

    data = linear().SerializeToString()
    write("malformed/truncated", "model.onnx", None, ["MG5020"], raw=data[: len(data) * 2 // 3])

    # raw_data of W declares 2^40 bytes: patch the length varint of the first raw_data field (tag 0x4a) in place.
    m = linear()
    data = bytearray(m.SerializeToString())
    at = data.index(bytes([0x4A, 48]))  # W's raw_data: 12 floats
    huge = bytes([0x80, 0x80, 0x80, 0x80, 0x80, 0x20])  # 2^40 as a varint
    data[at + 1: at + 2] = huge
    write("malformed/huge_declared_length", "model.onnx", None, ["MG5020"], raw=bytes(data))

    # A model over 2 GiB cannot be committed; its rule is covered by a sparse-file test. A model whose graph is empty (no outputs).
    m = linear()
    m.graph.Clear()
    write("malformed/empty_graph", "model.onnx", m, ["MG5022"])


def masquerade():
    class Reduce:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    write("malicious/pickle_named_onnx", "model.onnx", None, ["MG1001", "MG5009"], raw=pickle.dumps({"w": Reduce()}, protocol=4))
    path = os.path.join(HERE, "malicious/zip_named_onnx")
    os.makedirs(path, exist_ok=True)
    with zipfile.ZipFile(os.path.join(path, "model.onnx"), "w", zipfile.ZIP_STORED) as z:
        z.writestr(zipfile.ZipInfo("model/readme.txt", date_time=(2020, 1, 1, 0, 0, 0)), "not an onnx model")
    expected["malicious/zip_named_onnx/model.onnx"] = ["MG5009"]


def genai():
    write("malicious/genai_custom_ops", "model.onnx", linear(), [])
    config = {"model": {"type": "phi3", "decoder": {"filename": "model.onnx", "session_options": {"custom_ops_library": "libcustom_ops.so"}}}}
    write("malicious/genai_custom_ops", "genai_config.json", None, ["MG5030"], raw=json.dumps(config, indent=2).encode())
    write("malicious/genai_escape", "model.onnx", linear(), [])
    config = {"model": {"type": "phi3", "decoder": {"filename": "../../../../other/model.onnx"}}}
    write("malicious/genai_escape", "genai_config.json", None, ["MG5031"], raw=json.dumps(config, indent=2).encode())


if __name__ == "__main__":
    for folder in ["benign", "malicious", "malformed"]:
        shutil.rmtree(os.path.join(HERE, folder), ignore_errors=True)
    benign()
    escapes()
    external_problems()
    operators()
    structure()
    masquerade()
    genai()
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(dict(sorted(expected.items())), f, indent=1)
        f.write("\n")
    print(f"{len(expected)} files, onnx {onnx.__version__}")
