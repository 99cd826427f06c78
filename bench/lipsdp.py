#!/usr/bin/python3
"""Float LipSDP-Neuron (Fazlyab et al. 2019), a baseline for the benchmark.

Untrusted floating point throughout: the value it prints is NOT a certified
bound. It solves

    minimize rho  subject to  M(rho, T) <= 0 (negative semidefinite), T >= 0,

    M = [A; B]^T [[-2 diag(alpha*beta*t), diag((alpha+beta)*t)],
                  [diag((alpha+beta)*t),  -2 diag(t)]] [A; B]
        + diag(-rho I, 0, ..., 0, W_L^T W_L),

over the stacked variables z = (x, phi_1, ..., phi_{L-1}), where A maps z to
the hidden pre-activations and B picks the hidden activations. Each neuron's
ReLU is slope-restricted in [alpha, beta]: [0, 1] globally ("global" variant);
with --box, float interval propagation marks neurons that are stably active
([1, 1]) or inactive ([0, 0]) on the box ("local" variant). sqrt(rho) then
bounds the l2 Lipschitz constant (spectral norm for vector outputs) -- if the
solver's solution is feasible. The largest eigenvalue of M at the returned
solution is reported: a positive value means the float "certificate" violates
its own LMI.
"""
import argparse
import json
import sys
import time
from fractions import Fraction

import numpy as np
from cvxopt import matrix, solvers, spmatrix


def number(v):
    return float(Fraction(v)) if isinstance(v, str) else float(v)


def load_network(path):
    with open(path) as f:
        doc = json.load(f)
    if doc.get("format") != "robustlaw-net":
        sys.exit(f"{path}: not a robustlaw-net JSON file")
    layers = [(np.array([[number(v) for v in row] for row in layer["weights"]]),
               np.array([number(v) for v in layer["bias"]])) for layer in doc["layers"]]
    return int(doc["input_dim"]), layers


def parse_box(text, dim):
    parts = text.split(",")
    if len(parts) == 1:
        parts = parts * dim
    lo, hi = zip(*(p.split(":") for p in parts))
    return np.array([number(v) for v in lo]), np.array([number(v) for v in hi])


def slopes(layers, box):
    """Per hidden neuron (alpha, beta): the ReLU's slope range on the box."""
    alpha, beta = [], []
    lo, hi = box if box is not None else (None, None)
    for w, b in layers[:-1]:
        if box is None:
            alpha += [0.0] * len(b)
            beta += [1.0] * len(b)
            continue
        wp, wn = np.maximum(w, 0), np.minimum(w, 0)
        plo, phi = wp @ lo + wn @ hi + b, wp @ hi + wn @ lo + b
        for l, u in zip(plo, phi):
            a = 1.0 if l > 0 else 0.0
            alpha.append(a)
            beta.append(0.0 if u < 0 else 1.0)
        lo, hi = np.maximum(plo, 0), np.maximum(phi, 0)
    return np.array(alpha), np.array(beta)


class Lmi:
    """M(x) = M0 + sum_k x_k M_k with x = (rho, t_1, ..., t_n), as sparse columns."""

    def __init__(self, d0, layers, alpha, beta):
        hidden = [len(b) for _, b in layers[:-1]]
        self.n = sum(hidden)
        self.size = d0 + self.n
        N = self.size
        self.M0 = np.zeros((N, N))
        self.columns = []  # per variable: dict (r, c) -> value
        self.columns.append({(i, i): -1.0 for i in range(d0)})
        prev = list(range(d0))  # positions of the previous layer's variables
        pos = d0
        for (w, _), width in zip(layers[:-1], hidden):
            for r in range(width):
                i = pos + r - d0
                a = np.zeros(N)
                a[prev] = w[r]
                bvec = np.zeros(N)
                bvec[pos + r] = 1.0
                m = (-2 * alpha[i] * beta[i] * np.outer(a, a)
                     + (alpha[i] + beta[i]) * (np.outer(a, bvec) + np.outer(bvec, a))
                     - 2 * np.outer(bvec, bvec))
                nz = np.nonzero(m)
                self.columns.append({(int(p), int(q)): m[p, q] for p, q in zip(*nz)})
            prev = list(range(pos, pos + width))
            pos += width
        wl = layers[-1][0]
        self.M0[np.ix_(prev, prev)] = wl.T @ wl

    def dense(self, x):
        M = self.M0.copy()
        for xk, col in zip(x, self.columns):
            for (p, q), v in col.items():
                M[p, q] += xk * v
        return M

    def cvxopt_G(self):
        vals, rows, cols = [], [], []
        for k, col in enumerate(self.columns):
            for (p, q), v in col.items():
                vals.append(v)
                rows.append(p + q * self.size)
                cols.append(k)
        return spmatrix(vals, rows, cols, (self.size * self.size, len(self.columns)))


def solve(d0, layers, box):
    alpha, beta = slopes(layers, box)
    lmi = Lmi(d0, layers, alpha, beta)
    m = len(lmi.columns)
    c = matrix([1.0] + [0.0] * (m - 1))
    # t >= 0 as -t <= 0.
    Gl = spmatrix([-1.0] * (m - 1), list(range(m - 1)), list(range(1, m)), (m - 1, m))
    hl = matrix(0.0, (m - 1, 1))
    solvers.options["show_progress"] = False
    start = time.perf_counter()
    sol = solvers.sdp(c, Gl=Gl, hl=hl, Gs=[lmi.cvxopt_G()], hs=[matrix(-lmi.M0)])
    seconds = time.perf_counter() - start
    x = np.array(sol["x"]).ravel()
    eig = float(np.linalg.eigvalsh(lmi.dense(x)).max())
    return {"value": float(np.sqrt(max(x[0], 0.0))), "rho": float(x[0]), "solver_status": sol["status"],
            "seconds": seconds, "lmi_max_eigenvalue": eig, "min_t": float(x[1:].min()) if m > 1 else 0.0,
            "variant": "local" if box is not None else "global", "neurons": lmi.n,
            "kind": "float (untrusted)"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", help="robustlaw-net JSON file")
    parser.add_argument("--box", help="LO:HI[,LO:HI...]: use the box to fix stable neurons' slopes")
    args = parser.parse_args()
    d0, layers = load_network(args.model)
    box = parse_box(args.box, d0) if args.box else None
    print(json.dumps(solve(d0, layers, box)))


if __name__ == "__main__":
    main()
