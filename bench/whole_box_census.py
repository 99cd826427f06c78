#!/usr/bin/env python3
"""How far a per-box Jacobian bound is from closing ACAS Xu's whole box.

Untrusted float measurement (numpy), for docs/bench.md: on random boxes of a
given relative side inside a .nnet network's clamp box (raw coordinates, l2),
it computes pre-activation bounds by forward linear (DeepPoly-style) bounds,
then two enclosures of the Clarke Jacobian:
- interval: the forward interval product (what a box leaf's Clarke bound is);
- affine: the same product in affine arithmetic (each unstable ReLU slope is
  1/2 + eta/2 with its own noise symbol, shared by the Jacobian's columns;
  products of two noise symbols become fresh symbols per entry),
and the spectral norm of the entrywise magnitude of each. It reports, per
side, the fraction of boxes whose bound exceeds a threshold (by default 10x a
known lower bound), and the same for boxes shrinking around a point.

Nothing here is a certified figure: it estimates how many leaves a branch and
bound of such boxes would need.
"""
import argparse
import sys
import time

import numpy as np

import netio


def nnet_scaling(path):
    nums = netio._nnet_numbers(path)
    n_layers, n_in, _n_out, _ = (int(next(nums)) for _ in range(4))
    for _ in range(n_layers + 2):  # sizes and the unused flag
        next(nums)
    mins = np.array([next(nums) for _ in range(n_in)])
    maxs = np.array([next(nums) for _ in range(n_in)])
    means = np.array([next(nums) for _ in range(n_in + 1)])
    ranges = np.array([next(nums) for _ in range(n_in + 1)])
    return mins, maxs, means, ranges


class Net:
    def __init__(self, path):
        self.layers = netio.load(path)
        self.mins, self.maxs, self.means, self.ranges = nnet_scaling(path)
        self.n_in = len(self.mins)

    def normalized(self, lo, hi):
        m, r = self.means[:self.n_in], self.ranges[:self.n_in]
        return (lo - m) / r, (hi - m) / r

    def preactivation_bounds(self, lo, hi):
        """Forward linear lower/upper forms in the input, concretized on [lo, hi]."""
        n = len(lo)
        al, cl, au, cu = np.eye(n), np.zeros(n), np.eye(n), np.zeros(n)
        out = []
        for w, b in self.layers[:-1]:
            wp, wn = np.maximum(w, 0), np.minimum(w, 0)
            nal, ncl = wp @ al + wn @ au, wp @ cl + wn @ cu + b
            nau, ncu = wp @ au + wn @ al, wp @ cu + wn @ cl + b
            l = ncl + np.where(nal > 0, nal * lo, nal * hi).sum(1)
            u = ncu + np.where(nau > 0, nau * hi, nau * lo).sum(1)
            out.append((l, u))
            unstable = (l < 0) & (u > 0)
            lam = np.where(unstable, u / np.where(unstable, u - l, 1), 0)
            up = np.where(l >= 0, 1.0, lam)
            down = np.where(l >= 0, 1.0, np.where(unstable & (u > -l), 1.0, 0.0))
            au, cu = up[:, None] * nau, up * ncu - np.where(unstable, lam * l, 0)
            al, cl = down[:, None] * nal, down * ncl
        return out

    def first_jacobian(self):
        return self.layers[0][0] / self.ranges[None, :self.n_in]

    def interval_bound(self, pre):
        lo = hi = self.first_jacobian()
        for k, (l, u) in enumerate(pre):
            dlo, dhi = (l > 0).astype(float)[:, None], (u > 0).astype(float)[:, None]
            c = [dlo * lo, dlo * hi, dhi * lo, dhi * hi]
            alo, ahi = np.minimum.reduce(c), np.maximum.reduce(c)
            w = self.layers[k + 1][0]
            wp, wn = np.maximum(w, 0), np.minimum(w, 0)
            lo, hi = wp @ alo + wn @ ahi, wp @ ahi + wn @ alo
        return self.ranges[-1] * np.linalg.norm(np.maximum(np.abs(lo), np.abs(hi)), 2)

    def affine_bound(self, pre):
        c = self.first_jacobian()
        g = np.zeros((0,) + c.shape)
        for k, (l, u) in enumerate(pre):
            unstable = (l <= 0) & (u > 0)  # a slope in [0, 1], as the interval product has it
            d0 = np.where(unstable, 0.5, (l > 0).astype(float))
            idx = np.nonzero(unstable)[0]
            n, m = c.shape
            eta = np.zeros((len(idx), n, m))
            eta[np.arange(len(idx)), idx, :] = 0.5 * c[idx, :]
            mag = 0.5 * np.abs(g[:, idx, :]).sum(0)  # eta_i times the older symbols
            fresh = np.zeros((len(idx) * m, n, m))
            rows = np.repeat(idx, m)
            cols = np.tile(np.arange(m), len(idx))
            fresh[np.arange(len(idx) * m), rows, cols] = mag.reshape(-1)
            g = np.concatenate([d0[None, :, None] * g, eta, fresh], 0)
            w = self.layers[k + 1][0]
            c = w @ (d0[:, None] * c)
            g = np.einsum('ab,gbc->gac', w, g)
            if len(g):
                g = g[np.abs(g).reshape(len(g), -1).sum(1) > 0]
        mag = np.abs(c) + (np.abs(g).sum(0) if len(g) else 0)
        return self.ranges[-1] * np.linalg.norm(mag, 2)

    def bounds_on(self, lo_raw, hi_raw):
        pre = self.preactivation_bounds(*self.normalized(lo_raw, hi_raw))
        unstable = sum(int(((l < 0) & (u > 0)).sum()) for l, u in pre)
        return unstable, self.interval_bound(pre), self.affine_bound(pre)


def clipped_box(net, centre, side):
    h = side * (net.maxs - net.mins) / 2
    return np.maximum(centre - h, net.mins), np.minimum(centre + h, net.maxs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("net")
    ap.add_argument("--lower", type=float, required=True, help="a certified lower bound L0 (the threshold is 10 L0)")
    ap.add_argument("--sides", default="0.1,0.03,0.01", help="relative sides of the random boxes")
    ap.add_argument("--samples", type=int, default=300)
    ap.add_argument("--point", help="x1,...,xd: also boxes shrinking around this raw point")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    net = Net(a.net)
    threshold = 10 * a.lower
    rng = np.random.default_rng(a.seed)
    print(f"threshold 10 x {a.lower:g} = {threshold:g}; {a.samples} random boxes per side, seed {a.seed}\n")
    print("| side | boxes of that side | unstable (median) | interval: median / max / share > threshold | "
          "affine: median / max / share > threshold | boxes over the threshold (estimate) | s |")
    print("|---|---|---|---|---|---|---|")
    for side in (float(s) for s in a.sides.split(",")):
        t = time.time()
        rows = [net.bounds_on(*clipped_box(net, net.mins + rng.random(net.n_in) * (net.maxs - net.mins), side))
                for _ in range(a.samples)]
        u, bi, ba = (np.array(col) for col in zip(*rows))
        count = side ** -net.n_in
        print(f"| {side:g} | {count:.3g} | {np.median(u):.0f} | {np.median(bi):.3g} / {bi.max():.3g} / {np.mean(bi > threshold):.3f} | "
              f"{np.median(ba):.3g} / {ba.max():.3g} / {np.mean(ba > threshold):.3f} | {count * np.mean(ba > threshold):.2g} | "
              f"{time.time() - t:.1f} |")
    if a.point:
        x = np.array([float(v) for v in a.point.split(",")])
        print("\n| side around the point | unstable | interval | affine |")
        print("|---|---|---|---|")
        for side in (1e-1, 1e-2, 1e-3, 1e-4):
            u, bi, ba = net.bounds_on(*clipped_box(net, x, side))
            print(f"| {side:g} | {u} | {bi:.4g} | {ba:.4g} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
