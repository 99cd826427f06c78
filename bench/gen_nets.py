#!/usr/bin/python3
"""Writes the benchmark's random networks into bench/nets/ as robustlaw-net JSON.

Weights are N(0, 1/fan_in), biases N(0, 0.25) (standard deviation 0.5), drawn
with a fixed seed per network and written as 9-significant-digit decimal
strings: the files, not the generator, define the networks (robustlaw reads the
decimals exactly), so the committed files are the benchmark.
"""
import json
import os
import sys

import numpy as np

# name: (shape, seed)
NETWORKS = {
    # Issue 3 "Speed" shapes (box domains).
    "rand_2-32-32-1": ([2, 32, 32, 1], 1),
    "rand_5-20-20-1": ([5, 20, 20, 1], 2),
    "rand_3-16-16-16-4": ([3, 16, 16, 16, 4], 3),
    "rand_2-16-16-1": ([2, 16, 16, 1], 4),
    # Global cases with one hidden layer (d <= 4, k <= 16).
    "rand_2-8-1": ([2, 8, 1], 11),
    "rand_3-12-1": ([3, 12, 1], 12),
    "rand_4-16-1": ([4, 16, 1], 13),
}


def decimal(x):
    return format(float(x), ".9g")


def random_network(shape, seed):
    rng = np.random.default_rng(seed)
    layers = []
    for fan_in, fan_out in zip(shape[:-1], shape[1:]):
        w = rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_out, fan_in))
        b = rng.normal(0.0, 0.5, size=fan_out)
        layers.append({"weights": [[decimal(v) for v in row] for row in w],
                       "bias": [decimal(v) for v in b]})
    return {"format": "robustlaw-net", "version": 1, "input_dim": shape[0], "layers": layers}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "nets")
    os.makedirs(out, exist_ok=True)
    for name, (shape, seed) in NETWORKS.items():
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(random_network(shape, seed), f, indent=None, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()
