#!/usr/bin/env python3
"""The universal law of robustness measured on scikit-learn's bundled digits.

Task: binary classification as regression with label noise. x is an 8x8
digit image scaled to [0, 1]^64 (d = 64); the clean label is +1 for the
digits 5..9 and -1 for 0..4; each label is flipped independently with
probability eta = 1/10 (fixed seed), so E[Var(y|x)] = sigma^2 = 4 eta (1 - eta)
= 9/25 exactly. n = all 1797 images (nothing is downloaded).

For one-hidden-layer ReLU networks of widths 2..1536 (p = k(d+2)+1, about
1.3e2..1.0e5), trained with torch on the CPU (full-batch Adam, squared loss)
until the training MSE is below 1/100 or the step budget ends, it measures:
  - the certified l2 Lipschitz constant, globally and on the data's
    bounding box (robustlaw.lipschitz, with time limits);
  - the theorem's lower bound in both editions (robustlaw.theorem) at
    n = 1797, d = 64, the network's p, eps = sigma^2 - MSE (rounded down),
    delta = 1/100, k = 1, with the isoperimetry constant c an assumption
    (c = 1, and a sweep), W and J from the network corollary as
    `robustlaw audit` takes them;
  - whether condition (8) holds, and the least n at which it would.
It writes examples/results/universal_law_digits.{json,md} and
docs/img/universal_law_digits.png.

Run from the repository root after the build:
    python3 examples/universal_law_digits.py            # about 10 minutes on 2 cores
    python3 examples/universal_law_digits.py --quick    # three small nets, for a smoke run
"""
import argparse
import json
import math
import os
import sys
import time
from fractions import Fraction
from pathlib import Path

# One BLAS thread: OpenBLAS's spinning threads make small products 50x slower
# on a loaded machine (measured: 0.2 s of CPU took 13 s of wall time).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
try:
    import robustlaw
except ImportError:  # not installed: the build tree's module
    sys.path.insert(0, str(ROOT / "build" / "python"))
    try:
        import robustlaw
    except ImportError:
        robustlaw = None  # --train-only needs no robustlaw

import numpy as np
import torch
from sklearn.datasets import load_digits

ETA = Fraction(1, 10)                 # label flip probability
SIGMA2 = 4 * ETA * (1 - ETA)          # E[Var(y|x)] = 9/25
DELTA = Fraction(1, 100)
C_ASSUMED = Fraction(1)
C_SWEEP = [Fraction(1, 100), Fraction(1, 10), Fraction(1), Fraction(10), Fraction(100)]  # plus the data's c_min below
TARGET_MSE = 0.01                     # "fits the training data": well below sigma^2 = 0.36
WIDTHS = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 1536]


def load_task(seed):
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)  # pixels 0..16 -> [0, 1], exact in float32
    clean = np.where(digits.target >= 5, 1.0, -1.0).astype(np.float32)
    flips = np.random.default_rng(seed).random(len(clean)) < float(ETA)
    y = np.where(flips, -clean, clean).astype(np.float32)
    return x, y, int(flips.sum())


def train(x, y, width, seed, max_steps, max_seconds):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(x.shape[1], width), torch.nn.ReLU(), torch.nn.Linear(width, 1))
    xt, yt = torch.from_numpy(x), torch.from_numpy(y).unsqueeze(1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2 if width <= 64 else 5e-3)
    start, steps, mse = time.monotonic(), 0, float("inf")
    while steps < max_steps and time.monotonic() - start < max_seconds:
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(xt), yt)
        loss.backward()
        optimizer.step()
        steps += 1
        mse = loss.item()
        if mse < TARGET_MSE:
            break
    with torch.no_grad():
        # The MSE of the final float32 weights, evaluated in float64.
        layers = [(m.weight.double(), m.bias.double()) for m in model if isinstance(m, torch.nn.Linear)]
        h = torch.relu(torch.from_numpy(x).double() @ layers[0][0].T + layers[0][1])
        out = (h @ layers[1][0].T + layers[1][1]).squeeze(1)
        mse = float(((out - torch.from_numpy(y).double()) ** 2).mean())
    return model, mse, steps, time.monotonic() - start


def trained(x, y, width, args):
    """train(), or the cached result of the same training (--cache)."""
    cache = None if args.cache is None else args.cache / f"digits_w{width}_seed{args.seed}_steps{args.max_steps}.pt"
    if cache is not None and cache.exists():
        saved = torch.load(cache)
        model = torch.nn.Sequential(torch.nn.Linear(x.shape[1], width), torch.nn.ReLU(), torch.nn.Linear(width, 1))
        model.load_state_dict(saved["state"])
        return model, saved["mse"], saved["steps"], saved["seconds"]
    model, mse, steps, seconds = train(x, y, width, args.seed, args.max_steps, args.max_train_seconds)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        torch.save(dict(state=model.state_dict(), mse=mse, steps=steps, seconds=seconds), cache)
    return model, mse, steps, seconds


def corollary_class(model, x, p):
    """W (diameter bound) and J of the network corollary, as `robustlaw audit` takes them:
    W_inf = max(1, max |w|), diam <= 2 W_inf ceil(sqrt p), J = R (W_inf p)^D with D = 2 layers
    and R >= max ||x_i|| (rounded up to 1/1000)."""
    w_max = max(Fraction(float(t.abs().max())) for t in model.parameters())
    w_inf = max(Fraction(1), w_max)
    radius = Fraction(math.ceil(float(np.sqrt((x.astype(np.float64) ** 2).sum(axis=1).max())) * 1000) + 1, 1000)
    root = math.isqrt(p)
    ceil_sqrt_p = root if root * root == p else root + 1
    return 2 * w_inf * ceil_sqrt_p, radius * (w_inf * p) ** 2, w_inf, radius


def fit_margin(mse):
    """eps = sigma^2 - MSE, rounded down to 1/10000 and lowered by 1/10000 more: the float64
    MSE's rounding error (about 1e-13 here) is far below that margin. None when it is <= 0."""
    eps = Fraction(math.floor((float(SIGMA2) - mse) * 10000) - 1, 10000)
    return eps if eps > 0 else None


def c_necessary(x):
    """A c-isoperimetric law gives every 1-Lipschitz phi Var(phi) <= 4c/d, so
    c >= d Var(phi)/4; phi = the projection on the data's top principal
    direction gives the largest such estimate (empirical variance, float64),
    rounded up to 1/100. An estimate from the sample, not a proof."""
    top = float(np.linalg.eigvalsh(np.cov(x.astype(np.float64).T))[-1])
    return Fraction(math.ceil(x.shape[1] * top / 4 * 100), 100)


def theorem_rows(n, d, p, eps, W, J, c_min):
    if eps is None:
        return None
    rows = {}
    common = dict(n=n, d=d, p=p, epsilon=eps, delta=DELTA, W=W, J=J, k=1)
    neurips = robustlaw.theorem(edition="neurips2021", c=C_ASSUMED, **common)
    seed = robustlaw.theorem(edition="seed", c=C_ASSUMED, sigma=Fraction(3, 5), **common)
    rows["neurips2021"] = dict(bound_lower=float(neurips.bound_lower), bound_upper=float(neurips.bound_upper),
                               condition8=neurips.condition8, least_n=neurips.least_n)
    rows["seed"] = dict(K_lower=float(seed.bound_lower), K_upper=float(seed.bound_upper),
                        condition8=seed.condition8, least_n=seed.least_n,
                        note="seed edition: C2 unknown, the bound is K with Lip >= K / sqrt(C2)")
    rows["neurips2021_c_sweep"] = {
        str(c): float(robustlaw.theorem(edition="neurips2021", c=c, **common).bound_upper) for c in sorted(C_SWEEP + [c_min])}
    rows["neurips2021_at_c_min"] = rows["neurips2021_c_sweep"][str(c_min)]
    return rows


def certify(model, box, time_limit):
    out = {}
    for name, domain in (("global", None), ("box", box)):
        r = robustlaw.lipschitz(model, norm="l2", box=domain, time_limit=time_limit, threads=2)
        out[name] = dict(lower=float(r.lower), upper=float(r.upper), lower_decimal=r.lower_decimal,
                         upper_decimal=r.upper_decimal, status=r.status, seconds=r.seconds,
                         lower_method=r.lower_method, upper_method=r.upper_method)
    return out


def plot(results, n, d, least_n, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ps = np.array([r["p"] for r in results])
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for key, colour, label in (("global", "tab:blue", "certified Lip, global (l2)"),
                               ("box", "tab:orange", "certified Lip, data's bounding box (l2)")):
        lo = np.array([r["lipschitz"][key]["lower"] for r in results])
        hi = np.array([r["lipschitz"][key]["upper"] for r in results])
        shift = 1.0 if key == "global" else 1.06
        ax.errorbar(ps * shift, np.sqrt(lo * hi), yerr=[np.sqrt(lo * hi) - lo, hi - np.sqrt(lo * hi)], fmt="o",
                    color=colour, capsize=3, label=label + " [lower, upper]")
    grid = np.logspace(np.log10(ps.min() / 1.5), np.log10(ps.max() * 1.5), 100)
    ax.plot(grid, np.sqrt(n * d / grid), "k--", label=r"$\sqrt{nd/p}$ (the law's order, constant 1)")
    fits = [r for r in results if r["theorem"] is not None]
    if fits:
        ax.plot([r["p"] for r in fits], [r["theorem"]["neurips2021"]["bound_upper"] for r in fits], "v", color="tab:red",
                label="NeurIPS 2021 bound, c = 1 (not guaranteed: (8) fails)")
        ax.plot([r["p"] for r in fits], [r["theorem"]["neurips2021_at_c_min"] for r in fits], "v", mfc="none",
                color="tab:red", label="NeurIPS 2021 bound at the data's necessary c (top principal direction)")
        ax.plot([r["p"] for r in fits], [r["theorem"]["seed"]["K_upper"] for r in fits], "^", color="tab:purple",
                label="seed edition K = bound·sqrt(C2), c = 1, σ = 3/5")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(top=ax.get_ylim()[1] * 300)  # room for the legend above the data
    ax.set_xlabel("parameters p (one hidden layer, widths %d..%d)" % (results[0]["width"], results[-1]["width"]))
    ax.set_ylabel("l2 Lipschitz constant")
    ax.set_title(f"digits (n = {n}, d = {d}), labels ±1 with 10% flipped (σ² = 9/25)")
    ax.text(0.02, 0.40, f"(8) fails for every net: at n = {n} no ε ≤ 1 satisfies it;\n"
            f"it would start to hold at n ≥ {least_n['neurips2021']:,} (NeurIPS 2021) / {least_n['seed']:,} (seed)"
            " for the best fit's ε",
            transform=ax.transAxes, fontsize=8, va="bottom", bbox=dict(facecolor="white", alpha=0.8, edgecolor="grey"))
    ax.legend(fontsize=7.5, loc="upper center", ncol=2)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)


def markdown(results, n, d):
    lines = [f"Digits, n = {n}, d = {d}, labels ±1 with 10% flipped (σ² = 9/25), δ = 1/100, k = 1, c = 1 (assumed).",
             "Lip intervals are certified (l2); the theorem's values are enclosures' upper ends; (8) is decided exactly.",
             "",
             "| width | p | train MSE | ε | train s | Lip global [lower, upper] | status, s | Lip on data box [lower, upper] | status, s "
             "| NeurIPS bound | seed K | (8) | least n for (8) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        g, b, t = r["lipschitz"]["global"], r["lipschitz"]["box"], r["theorem"]
        theorem_cells = ("—", "—", "hypothesis fails (no fit below σ²)", "—") if t is None else (
            f"{t['neurips2021']['bound_upper']:.3g}", f"{t['seed']['K_upper']:.3g}",
            "holds" if t["neurips2021"]["condition8"] else "fails",
            f"{t['neurips2021']['least_n']:,} / {t['seed']['least_n']:,}")
        lines.append(f"| {r['width']} | {r['p']:,} | {r['train_mse']:.4f} | {r['epsilon'] or '—'} | {r['train_seconds']:.1f} "
                     f"| [{g['lower']:.6g}, {g['upper']:.6g}] | {g['status']}, {g['seconds']:.1f} "
                     f"| [{b['lower']:.6g}, {b['upper']:.6g}] | {b['status']}, {b['seconds']:.1f} | "
                     + " | ".join(theorem_cells) + " |")
    fits = [r for r in results if r["theorem"] is not None]
    if fits:
        cs = list(fits[0]["theorem"]["neurips2021_c_sweep"])
        lines += ["", "NeurIPS 2021 bound (upper end of its enclosure) against the isoperimetry constant c:", "",
                  "| width | p | ε | " + " | ".join(f"c = {c}" for c in cs) + " |",
                  "|---|---|---|" + "---|" * len(cs)]
        for r in fits:
            sweep = r["theorem"]["neurips2021_c_sweep"]
            lines.append(f"| {r['width']} | {r['p']:,} | {r['epsilon']} | " + " | ".join(f"{sweep[c]:.3g}" for c in cs) + " |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="three small nets only, written under build/examples_quick")
    parser.add_argument("--widths", type=lambda t: [int(w) for w in t.split(",")], default=WIDTHS,
                        help="comma-separated hidden widths (default %s)" % ",".join(map(str, WIDTHS)))
    parser.add_argument("--time-limit", type=float, default=20, help="seconds per certification (global, and box)")
    parser.add_argument("--max-steps", type=int, default=3000)
    parser.add_argument("--max-train-seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=None,
                        help="folder of trained nets: reused when present (their recorded training time is reported)")
    parser.add_argument("--train-only", action="store_true", help="train (and cache) the nets, certify nothing")
    parser.add_argument("--replot", action="store_true", help="redraw the figure and the table from the JSON only")
    parser.add_argument("--out", type=Path, default=ROOT / "examples" / "results")
    parser.add_argument("--figure", type=Path, default=ROOT / "docs" / "img" / "universal_law_digits.png")
    args = parser.parse_args()
    if args.quick:  # a smoke run does not overwrite the committed results
        args.out, args.figure = ROOT / "build" / "examples_quick", ROOT / "build" / "examples_quick" / "universal_law_digits.png"
    torch.set_num_threads(1)
    if args.replot:
        summary = json.loads((args.out / "universal_law_digits.json").read_text())
        (args.out / "universal_law_digits.md").write_text(markdown(summary["nets"], summary["n"], summary["d"]))
        plot(summary["nets"], summary["n"], summary["d"], summary["least_n_for_8"], args.figure)
        return

    x, y, flipped = load_task(args.seed)
    n, d = x.shape
    box = [(float(lo), float(hi)) for lo, hi in zip(x.min(axis=0), x.max(axis=0))]
    c_min = c_necessary(x)
    print(f"digits: n = {n}, d = {d}, {flipped} labels flipped, sigma^2 = {SIGMA2}", flush=True)
    results = []
    for width in (args.widths[:3] if args.quick else args.widths):
        model, mse, steps, train_seconds = trained(x, y, width, args)
        if args.train_only:
            print(f"width {width:5d}  mse {mse:.4f}  train {train_seconds:5.1f}s ({steps} steps)", flush=True)
            continue
        p = sum(t.numel() for t in model.parameters())
        W, J, w_inf, radius = corollary_class(model, x, p)
        eps = fit_margin(mse)
        start = time.monotonic()
        lip = certify(model, box, args.time_limit)
        certify_seconds = time.monotonic() - start
        theorem = theorem_rows(n, d, p, eps, W, J, c_min)
        results.append(dict(width=width, p=p, train_mse=mse, steps=steps, train_seconds=train_seconds,
                            epsilon=None if eps is None else str(eps), fits_below_noise=eps is not None,
                            W=str(W), J_decimal=f"{float(J):.6g}", W_inf=f"{float(w_inf):.6g}", R=str(radius),
                            lipschitz=lip, certify_seconds=certify_seconds, theorem=theorem))
        g, b = lip["global"], lip["box"]
        print(f"width {width:5d}  p {p:7d}  mse {mse:.4f}  train {train_seconds:5.1f}s ({steps} steps)  "
              f"global [{g['lower']:.4g}, {g['upper']:.4g}] {g['status']}  box [{b['lower']:.4g}, {b['upper']:.4g}] {b['status']}  "
              f"certify {certify_seconds:.1f}s", flush=True)

    if args.train_only:
        return
    best = max((r for r in results if r["theorem"]), key=lambda r: Fraction(r["epsilon"]), default=None)
    least_n = {"neurips2021": best["theorem"]["neurips2021"]["least_n"], "seed": best["theorem"]["seed"]["least_n"]} if best \
        else {"neurips2021": 0, "seed": 0}
    args.out.mkdir(parents=True, exist_ok=True)
    summary = dict(dataset="sklearn digits (bundled)", task="binary labels ±1 (digit >= 5), 10% flipped at random",
                   n=n, d=d, sigma2=str(SIGMA2), delta=str(DELTA), c_assumed=str(C_ASSUMED), k=1, flipped=flipped,
                   least_n_for_8=least_n, c_necessary_estimate=str(c_min), c_necessary_note=c_necessary.__doc__.split(".")[0],
                   target_mse=TARGET_MSE, nets=results,
                   totals=dict(train_seconds=sum(r["train_seconds"] for r in results),
                               certify_seconds=sum(r["certify_seconds"] for r in results)))
    (args.out / "universal_law_digits.json").write_text(json.dumps(summary, indent=1) + "\n")
    (args.out / "universal_law_digits.md").write_text(markdown(results, n, d))
    plot(results, n, d, least_n, args.figure)
    print(f"training {summary['totals']['train_seconds']:.0f} s, certification {summary['totals']['certify_seconds']:.0f} s; "
          f"wrote {args.out}/universal_law_digits.{{json,md}} and {args.figure}")


if __name__ == "__main__":
    main()
