"""robustlaw: certified Lipschitz constants, robustness claims and the
universal law of robustness, from Python.

Every number that goes in is read as the exact rational it denotes: an int,
a fractions.Fraction, a string holding a decimal or a fraction ("0.1" is
1/10), and a float (or a numpy float32/float64) is its exact binary value
(0.1 is 3602879701896397/36028797018963968). Every bound that comes out is
proven: lower and upper are fractions.Fraction, their decimal strings are
rounded outward.

A model is a network file (.onnx, .nnet, .json), a list of (W, b) pairs of
float32 or float64 arrays (W is out x in, ReLU after every layer but the
last), or a torch.nn.Sequential of Linear, ReLU and Flatten.

Searches release the GIL. Ctrl-C (KeyboardInterrupt) stops a search, which
then returns its best certified result with status "interrupted". Bad input
raises ValueError (robustlaw.InputError) with the command line's message.
"""
import os
import tempfile
from fractions import Fraction
from numbers import Integral, Real

from . import _robustlaw

__all__ = ["lipschitz", "certify", "theorem", "audit", "check", "InputError",
           "LipschitzResult", "CertifyResult", "TheoremResult", "AuditResult", "CheckResult"]

InputError = _robustlaw.InputError


# ---------------------------------------------------------------- arguments

def _exact_text(value, where):
    """The exact text of a number: 'p/q', an integer, or the user's string."""
    if isinstance(value, bool):
        raise InputError(f"{where}: {value!r} is not a number")
    if isinstance(value, str):
        return value
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        x = float(value)  # a float32 or float64 is a double exactly
        if x != x or x in (float("inf"), float("-inf")):
            return str(x)  # refused by the exact reader with its message
        return _exact_text(Fraction(x), where)
    raise InputError(f"{where}: {value!r} is not a number (int, float, Fraction or str)")


def _exact_list(values, where):
    return ",".join(_exact_text(v, f"{where} entry {i + 1}") for i, v in enumerate(values))


def _torch_layers(model):
    """(W, b) float64 arrays of a torch.nn.Sequential of Linear, ReLU, Flatten."""
    import numpy as np
    import torch

    layers, relu_after = [], []
    for index, module in enumerate(model):
        where = f"torch model: module {index} ({type(module).__name__})"
        if isinstance(module, torch.nn.Flatten):
            continue  # the network's input is a flat vector already
        if isinstance(module, torch.nn.Linear):
            if layers and not relu_after[-1]:
                raise InputError(f"{where}: two Linear modules without a ReLU between them")
            w = module.weight.detach().cpu().numpy()
            b = (module.bias.detach().cpu().numpy() if module.bias is not None
                 else np.zeros(w.shape[0], dtype=w.dtype))
            layers.append((w, b))
            relu_after.append(False)
        elif isinstance(module, torch.nn.ReLU):
            if not layers or relu_after[-1]:
                raise InputError(f"{where}: a ReLU must follow a Linear module")
            relu_after[-1] = True
        else:
            raise InputError(f"{where}: only Linear, ReLU and Flatten modules are supported")
    if not layers:
        raise InputError("torch model: no Linear module")
    if relu_after[-1]:
        raise InputError("torch model: ends with a ReLU; the last module must be Linear")
    return [_float_arrays(w, b, i) for i, (w, b) in enumerate(layers)]


def _float_arrays(w, b, index):
    import numpy as np

    arrays = []
    for name, a in (("W", w), ("b", b)):
        a = np.asarray(a)
        if a.dtype not in (np.float16, np.float32, np.float64):
            raise InputError(f"layer {index + 1}: {name} has dtype {a.dtype}, expected float32 or float64")
        arrays.append(np.ascontiguousarray(a, dtype=np.float64))  # exact: every float32 is a double
    return tuple(arrays)


def _model(model):
    """(payload for _robustlaw, source name): a path, or a list of float64 (W, b)."""
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model), os.fspath(model)
    if type(model).__module__.startswith("torch"):
        return _torch_layers(model), "torch.nn.Sequential"
    if isinstance(model, (list, tuple)):
        layers = []
        for i, layer in enumerate(model):
            if not isinstance(layer, (list, tuple)) or len(layer) != 2:
                raise InputError(f"layer {i + 1}: expected a pair (W, b)")
            layers.append(_float_arrays(layer[0], layer[1], i))
        return layers, "numpy layers"
    raise InputError(f"model: {type(model).__name__} is neither a path, a list of (W, b) nor a torch.nn.Sequential")


def _seconds(value, where):
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, Real) or not value >= 0:
        raise InputError(f"{where}: must be a number of seconds >= 0, got {value!r}")
    return float(value)


class _Result:
    """Common part of the results: the command line's JSON report."""

    def __init__(self, report):
        self._report = report

    def to_dict(self):
        """The keys and values of the command line's --json output."""
        import copy
        return copy.deepcopy(self._report)

    def __getitem__(self, key):
        return self._report[key]


# ---------------------------------------------------------------- lipschitz

class LipschitzResult(_Result):
    """lower <= L <= upper, both proven (exact Fractions)."""

    def __init__(self, out):
        super().__init__(out["report"])
        r = self._report
        self.lower = Fraction(r["lower_exact"])
        self.upper = Fraction(r["upper_exact"])
        self.lower_decimal = r["lower"]  # rounded down
        self.upper_decimal = r["upper"]  # rounded up
        self.status = r["status"]
        self.seconds = r["seconds"]
        self.lower_method = r["lower_method"]
        self.upper_method = r["upper_method"]
        self.methods = {"lower": self.lower_method, "upper": self.upper_method}
        self.nodes = r["nodes"]
        self.certificate = out.get("claim")
        self.replayed = out.get("replayed")  # the checker's detail once a written claim replayed

    def __repr__(self):
        return (f"LipschitzResult(lower={self.lower_decimal}, upper={self.upper_decimal}, "
                f"status={self.status!r}, seconds={self.seconds:.3g})")


def _box_text(box):
    parts = []
    for i, pair in enumerate(box):
        where = f"--box interval {i + 1}"
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise InputError(f"{where}: expected a pair (lo, hi)")
        lo, hi = (_exact_text(v, where) for v in pair)
        for end in (lo, hi):
            if ":" in end or "," in end:
                raise InputError(f"{where}: {end!r} is not a number")
        parts.append(f"{lo}:{hi}")
    if not parts:
        raise InputError("--box: no intervals")
    return ",".join(parts)


def lipschitz(model, norm="l2", box=None, time_limit=None, rel_gap=1e-9, threads=None, certificate=None,
              *, normalized=False, output=None, output_diff=None, node_limit=None, max_memory=None,
              lipsdp="auto", digits=17, baselines=False):
    """Certified bounds lower <= L <= upper on the model's Lipschitz constant.

    norm: "l2", "l1" or "linf" (the same on inputs and outputs). box: None
    for the whole space, else a list of (lo, hi), one per input, or a single
    pair for every input. certificate: None, True (the claim as a dict in
    result.certificate) or a path the claim file is written to and replayed
    by the checker as robustlaw.check replays it (result.replayed; a claim
    that does not replay is removed and raises InputError; for an in-memory
    model the network is written beside it, as PATH.net.json). baselines:
    report the product of norms and the Clarke bound (result["baselines"])
    even when the search converged. The other options are the command
    line's.
    """
    payload, source = _model(model)
    request = _robustlaw.LipschitzRequest()
    request.norm = norm
    request.global_ = box is None
    request.box = "" if box is None else _box_text(box)
    request.rel_gap = _exact_text(rel_gap, "--rel-gap")
    request.time_limit = _seconds(time_limit, "--time-limit")
    if threads is not None:
        if isinstance(threads, bool) or not isinstance(threads, Integral) or threads < 0:
            raise InputError(f"--threads: must be an integer >= 0, got {threads!r}")
        request.threads = int(threads)
    if output is not None:
        if isinstance(output, bool) or not isinstance(output, Integral) or output < 0:
            raise InputError(f"--output: must be an output index >= 0, got {output!r}")
        request.output = int(output)
    if output_diff is not None:
        request.output_diff = ",".join(str(i) for i in output_diff)
    if node_limit is not None:
        request.node_limit = int(node_limit)
    if max_memory is not None:
        request.max_memory = _exact_text(max_memory, "--max-memory")
    request.lipsdp = lipsdp
    request.digits = int(digits)
    request.baselines = bool(baselines)
    request.want_certificate = certificate is not None and certificate is not False
    path = "" if certificate in (None, True, False) else os.fspath(certificate)
    claim_network = source
    if path and not isinstance(payload, str):
        claim_network = _write_network_beside(payload, source, path)
    return LipschitzResult(_robustlaw.lipschitz(payload, normalized, source, request, path, claim_network))


def _write_network_beside(payload, source, claim_path):
    """Writes an in-memory network as PATH.net.json beside the claim; returns its path."""
    text = _robustlaw.network_json(payload, False, source)
    target = os.path.splitext(claim_path)[0] + ".net.json"
    folder = os.path.dirname(os.path.abspath(target))
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".robustlaw-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(temporary, target)
    return target


# ---------------------------------------------------------------- certify

class CertifyResult(_Result):
    """A robustness claim (ball) or a VNN-LIB property, decided."""

    def __init__(self, out):
        super().__init__(out["report"])
        r = self._report
        self.verdict = r["verdict"]  # "verified", "refuted" or "unknown"
        self.result = r.get("result")  # VNN-LIB: "unsat", "sat", "timeout" or "unknown"
        self.status = self.result or self.verdict
        self.seconds = r["seconds"]
        self.method = r["method"]
        self.label = r.get("label")
        self.radius_lower = Fraction(out["radius_lower_exact"]) if "radius_lower_exact" in out else None
        self.margin_radius = Fraction(out["margin_radius_exact"]) if "margin_radius_exact" in out else None
        cx = r.get("counterexample")
        self.counterexample = None if cx is None else [Fraction(v["exact"]) for v in cx["input"]]
        self.certificate = out.get("claim")
        self.replayed = out.get("replayed")  # the checker's detail once a written claim replayed

    def __repr__(self):
        return f"CertifyResult(verdict={self.verdict!r}, method={self.method!r}, seconds={self.seconds:.3g})"


def certify(model, input=None, radius=None, norm="linf", time_limit=None, *, vnnlib=None, label=None,
            normalized=False, seed=1, digits=17, certificate=None, threads=None):
    """Every input within `radius` of `input` (in `norm`) gets the same class
    (label, default the exact argmax at input): verified, refuted (with an
    exactly checked counterexample) or unknown. Or, with vnnlib=PATH, a
    VNN-LIB property: unsat, sat, timeout or unknown. time_limit: seconds
    (None: the command line's 60). threads (vnnlib only): the branch and
    bound's worker threads (None: the command line's 1; the answer does not
    depend on it). certificate: a path the claim of a
    decided ball or property is written to and replayed by the checker, as
    `robustlaw certify --certificate` does (result.certificate,
    result.replayed; nothing is written for timeout or unknown; for an
    in-memory model the network is written beside it, as PATH.net.json)."""
    payload, source = _model(model)
    limit = 60.0 if time_limit is None else _seconds(time_limit, "--time-limit")
    if limit <= 0:
        raise InputError("--time-limit: must be > 0")
    path = "" if certificate is None else os.fspath(certificate)
    claim_network = source
    if path and not isinstance(payload, str):
        claim_network = _write_network_beside(payload, source, path)
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, Integral) or threads < 1):
        raise InputError(f"--threads: must be an integer >= 1, got {threads!r}")
    if vnnlib is not None:
        if input is not None or radius is not None:
            raise InputError("certify: give either --vnnlib FILE or --input and --radius")
        workers = 1 if threads is None else int(threads)
        return CertifyResult(_robustlaw.certify_vnnlib(payload, normalized, source, os.fspath(vnnlib), limit, workers,
                                                       int(seed), int(digits), path, claim_network))
    if threads is not None:
        raise InputError("--threads: only with vnnlib (a ball's search runs on one thread)")
    request = _robustlaw.RobustnessRequest()
    request.input = "" if input is None else _exact_list(list(input), "--input")
    request.radius = "" if radius is None else _exact_text(radius, "--radius")
    request.norm = norm
    if label is not None:
        request.label = int(label)
    return CertifyResult(_robustlaw.certify_ball(payload, normalized, source, request, limit, int(seed), int(digits),
                                                 path, claim_network))


# ---------------------------------------------------------------- theorem

class TheoremResult(_Result):
    """The theorem at one parameter point: bound (10), condition (8), ..."""

    def __init__(self, out):
        super().__init__(out["report"])
        r = self._report
        self.edition = r.get("edition")
        self.condition8 = r["condition_8"]["holds"]  # True, False or None (undecidable)
        self.least_n = None if r["least_n"] is None else int(r["least_n"])
        has_bound = "bound_lower_exact" in out
        self.bound_lower = Fraction(out["bound_lower_exact"]) if has_bound else None
        self.bound_upper = Fraction(out["bound_upper_exact"]) if has_bound else None

    def __repr__(self):
        return (f"TheoremResult(edition={self.edition!r}, condition8={self.condition8}, "
                f"bound in [{float(self.bound_lower or 0):.6g}, {float(self.bound_upper or 0):.6g}])")


_THEOREM_NAMES = ("n", "d", "p", "epsilon", "delta", "c", "W", "J", "k", "sigma", "C1", "C2", "sparsity", "L")


def theorem(edition="neurips2021", n=None, d=None, p=None, epsilon=None, delta=None, c=None, W=None, J=None, k=1,
            sigma=None, C1=None, C2=None, sparsity=None, L=None, digits=30):
    """The universal law of robustness (Bubeck-Sellke) at exact parameters:
    edition "neurips2021" or "seed"; the bound (10), condition (8) decided
    exactly, the least n for (8), and with L the least p and the eps
    threshold. Parameters as in `robustlaw theorem --help`."""
    given = dict(n=n, d=d, p=p, epsilon=epsilon, delta=delta, c=c, W=W, J=J, k=k, sigma=sigma, C1=C1, C2=C2,
                 sparsity=sparsity, L=L)
    values = {name: _exact_text(given[name], "--" + name) for name in _THEOREM_NAMES if given[name] is not None}
    return TheoremResult(_robustlaw.theorem(edition, values, int(digits)))


# ---------------------------------------------------------------- audit

class AuditResult(_Result):
    """A trained scalar network against the theorem: the exact training MSE,
    whether the theorem applies, its bound next to the certified Lipschitz pair."""

    def __init__(self, out):
        super().__init__(out["report"])
        r = self._report
        self.verdict = r["verdict"]  # does-not-apply | consistent | vacuous | contradicted | undetermined
        self.reasons = r["reasons"]
        self.mse = Fraction(out["mse_exact"])
        self.lip_lower = Fraction(out["lip_lower_exact"])
        self.lip_upper = Fraction(out["lip_upper_exact"])
        self.lip_status = r["certified_lipschitz"]["status"]

    def __repr__(self):
        return (f"AuditResult(verdict={self.verdict!r}, mse={float(self.mse):.6g}, "
                f"lip in [{float(self.lip_lower):.6g}, {float(self.lip_upper):.6g}])")


_AUDIT_NAMES = ("sigma", "delta", "c", "k", "epsilon", "W", "J", "R", "Q", "C2")


def audit(model, data, labels=None, *, sigma, delta, c, k=1, epsilon=None, W=None, J=None, R=None, Q=1, C2=None,
          edition="neurips2021", labels_column=None, box_data=False, time_limit=10, rel_gap="1/1000000", digits=20):
    """The universal law of robustness against a trained scalar network, as
    `robustlaw audit --json`: data is a path (CSV, or a 2-D .npy array, the
    label in labels_column, default the last column) or the feature rows,
    with their labels in `labels`; every number is read exactly (a float is
    its binary value). Lip(h) is certified in l2, globally or with box_data
    on the data's bounding box, within time_limit seconds (Ctrl-C stops it
    with its certified pair). The other parameters are the command line's."""
    payload, source = _model(model)
    given = dict(sigma=sigma, delta=delta, c=c, k=k, epsilon=epsilon, W=W, J=J, R=R, Q=Q, C2=C2)
    values = {name: _exact_text(given[name], "--" + name) for name in _AUDIT_NAMES if given[name] is not None}
    if isinstance(data, (str, os.PathLike)):
        if labels is not None:
            raise InputError("labels: give them only with feature rows, not with a data file")
        data_file, x, y = os.fspath(data), [], []
    else:
        if labels is None:
            raise InputError("labels: required with feature rows (one label per row)")
        data_file = ""
        x = [[_exact_text(v, f"data row {i} entry {j}") for j, v in enumerate(row)] for i, row in enumerate(data)]
        y = [_exact_text(v, f"labels entry {i}") for i, v in enumerate(labels)]
    limit = _seconds(time_limit, "time_limit")
    return AuditResult(_robustlaw.audit(payload, False, source, data_file, "" if labels_column is None else str(labels_column),
                                        x, y, edition, values, bool(box_data), limit, _exact_text(rel_gap, "rel_gap"),
                                        int(digits)))


# ---------------------------------------------------------------- check

class CheckResult(_Result):
    """The replay of claim files through the trusted checker."""

    def __init__(self, out):
        super().__init__(out["report"])
        r = self._report
        self.claims = r["claims"]
        self.passed = r["passed"]
        self.failed = r["failed"]
        self.status = r["status"]
        self.seconds = r["seconds"]
        self.ok = self.failed == 0 and self.passed > 0 and self.status == "complete"

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return f"CheckResult(passed={self.passed}, failed={self.failed}, status={self.status!r})"


def check(path, repo_root=None):
    """Replays claim files (a file, a folder searched recursively, or a list
    of them) through the trusted checker; ok when every verdict is the one
    the file expects."""
    paths = [os.fspath(p) for p in path] if isinstance(path, (list, tuple)) else [os.fspath(path)]
    if not paths:
        raise InputError("check: give at least one claim file or folder")
    return CheckResult(_robustlaw.check(paths, "" if repo_root is None else os.fspath(repo_root)))
