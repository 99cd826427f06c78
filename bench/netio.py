"""Reads feed-forward ReLU networks for the benchmark scripts (numpy only).

Formats: robustlaw's JSON (`"format": "robustlaw-net"`), `.nnet` (the raw
weights, i.e. the network in normalized coordinates, as `robustlaw
--normalized` analyses it) and `.onnx` (a chain of Gemm / MatMul / Add /
Sub / Flatten / Relu nodes, as the VNN-COMP ACAS Xu and mnistfc files are).
Python's Debian packages have no ONNX reader, so the protobuf wire format is
decoded here; only the fields these networks use are read.

A network is a list of (W, b) with W of shape (out, in); ReLU between layers,
none after the last. These readers are untrusted helpers for benchmarks: the
tool's own loaders are the ones that count.
"""
import json
import struct

import numpy as np


def load(path):
    if path.endswith(".nnet"):
        return load_nnet(path)
    if path.endswith(".onnx"):
        return load_onnx(path)
    return load_json(path)


def load_json(path):
    with open(path) as f:
        j = json.load(f)
    if j.get("format") != "robustlaw-net":
        raise ValueError(f"{path}: not a robustlaw-net JSON file")
    return [(np.array([[float(v) for v in row] for row in l["weights"]]), np.array([float(v) for v in l["bias"]]))
            for l in j["layers"]]


def _nnet_numbers(path):
    with open(path) as f:
        for line in f:
            if line.startswith("//"):
                continue
            for tok in line.replace(",", " ").split():
                yield float(tok)


def load_nnet(path):
    nums = _nnet_numbers(path)
    n_layers, n_in, n_out, _ = (int(next(nums)) for _ in range(4))
    sizes = [int(next(nums)) for _ in range(n_layers + 1)]
    next(nums)  # unused "symmetric" flag
    for _ in range(2 * n_in + 2 * (n_in + 1)):  # mins, maxes, means, ranges
        next(nums)
    layers = []
    for k in range(n_layers):
        w = np.array([[next(nums) for _ in range(sizes[k])] for _ in range(sizes[k + 1])])
        b = np.array([next(nums) for _ in range(sizes[k + 1])])
        layers.append((w, b))
    if sizes[0] != n_in or sizes[-1] != n_out:
        raise ValueError(f"{path}: header sizes disagree with the layer sizes")
    return layers


# --- protobuf wire format (only what ONNX ModelProto needs) ---

def _varint(buf, i):
    shift = value = 0
    while True:
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, i
        shift += 7


def _fields(buf):
    """Yields (field number, wire type, value) of one message."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            n, i = _varint(buf, i)
            value, i = buf[i:i + n], i + n
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield field, wire, value


def _tensor(buf):
    dims, name, raw, floats, dtype = [], "", None, [], 1
    for f, w, v in _fields(buf):
        if f == 1:
            if w == 2:  # packed
                j = 0
                while j < len(v):
                    d, j = _varint(v, j)
                    dims.append(d)
            else:
                dims.append(v)
        elif f == 2:
            dtype = v
        elif f == 4:
            floats.extend(struct.unpack(f"<{len(v) // 4}f", v) if w == 2 else struct.unpack("<f", v))
        elif f == 8:
            name = v.decode()
        elif f == 9:
            raw = v
    if dtype == 1:
        data = np.frombuffer(raw, "<f4") if raw is not None else np.array(floats, dtype=np.float32)
    elif dtype == 11:
        data = np.frombuffer(raw, "<f8")
    elif dtype == 7:
        data = np.frombuffer(raw, "<i8")
    else:
        raise ValueError(f"tensor {name}: unsupported data type {dtype}")
    return name, data.astype(np.float64).reshape(dims if dims else ())


def _node(buf):
    node = {"inputs": [], "outputs": [], "op": "", "attrs": {}}
    for f, w, v in _fields(buf):
        if f == 1:
            node["inputs"].append(v.decode())
        elif f == 2:
            node["outputs"].append(v.decode())
        elif f == 4:
            node["op"] = v.decode()
        elif f == 5:
            name, value = "", None
            for af, aw, av in _fields(v):
                if af == 1:
                    name = av.decode()
                elif af == 2:
                    value = struct.unpack("<f", av)[0]
                elif af == 3:
                    value = av
            node["attrs"][name] = value
    return node


def onnx_graph(path):
    """(nodes, initializers, input names) of an ONNX file's graph."""
    with open(path, "rb") as f:
        model = f.read()
    graph = next(v for f, w, v in _fields(model) if f == 7)
    nodes, inits, inputs = [], {}, []
    for f, w, v in _fields(graph):
        if f == 1:
            nodes.append(_node(v))
        elif f == 5:
            name, t = _tensor(v)
            inits[name] = t
        elif f == 11:
            inputs.append(next(x for ff, ww, x in _fields(v) if ff == 1).decode())
    return nodes, inits, [i for i in inputs if i not in inits]


def load_onnx(path):
    nodes, inits, inputs = onnx_graph(path)
    if len(inputs) != 1:
        raise ValueError(f"{path}: expected one data input, found {inputs}")
    current = inputs[0]
    layers = []
    w = b = None  # the affine map since the last ReLU: x -> w x + b (w None = identity)

    def operand(n):
        others = [i for i in n["inputs"] if i != current]
        if len(others) != 1 or others[0] not in inits:
            raise ValueError(f"{path}: {n['op']} needs one data operand and one initializer")
        return inits[others[0]]

    for n in nodes:
        if current not in n["inputs"]:
            continue
        op = n["op"]
        if op in ("Flatten", "Reshape", "Identity"):
            pass
        elif op == "Relu":
            layers.append((w, b))
            w = b = None
        elif op in ("MatMul", "Gemm"):
            m = operand(n)
            if op == "Gemm":
                m = m if n["attrs"].get("transB", 0) else m.T
                m = m * n["attrs"].get("alpha", 1.0)
            else:
                m = m.T  # MatMul x @ M: out = M^T x
            bias = np.zeros(m.shape[0]) if b is None else m @ b
            w = m if w is None else m @ w
            b = bias
            if op == "Gemm" and len(n["inputs"]) > 2:
                b = b + n["attrs"].get("beta", 1.0) * inits[n["inputs"][2]].reshape(-1)
        elif op in ("Add", "Sub"):
            c = operand(n).reshape(-1)
            sign = -1.0 if op == "Sub" else 1.0
            if op == "Sub" and n["inputs"][0] != current:
                raise ValueError(f"{path}: Sub with the data as second operand is not supported")
            dim = c.size if w is None else w.shape[0]
            b = (np.zeros(dim) if b is None else b) + sign * c
            if w is None:
                w = np.eye(dim)
        else:
            raise ValueError(f"{path}: unsupported ONNX op {op}")
        current = n["outputs"][0]
    layers.append((w, b))
    return layers
