#!/usr/bin/env python3
"""Regenerates the audit example: noisy labels on sphere data and a small
two-layer ReLU network trained on them (plain Python, fixed seed).

Data: x uniform on S^{d-1} (d = 3), y = sign(x_1) flipped with probability
0.2, so E[y|x] = 0.6 sign(x_1) and sigma^2 = E[Var(y|x)] = 1 - 0.36 = 0.64.
Network: 3 -> 24 -> 1 with ReLU, trained by gradient descent on the squared
loss. Weights and data are written as decimal strings (read exactly)."""
import json, math, random

rng = random.Random(20211)
d, n, hidden, flip = 3, 200, 24, 0.2

def sphere_point():
    v = [rng.gauss(0, 1) for _ in range(d)]
    r = math.sqrt(sum(a * a for a in v))
    return [round(a / r, 6) for a in v]

xs = [sphere_point() for _ in range(n)]
ys = [(1 if x[0] > 0 else -1) * (-1 if rng.random() < flip else 1) for x in xs]

w1 = [[rng.gauss(0, 1) for _ in range(d)] for _ in range(hidden)]
b1 = [rng.gauss(0, 0.5) for _ in range(hidden)]
w2 = [rng.gauss(0, 1) / math.sqrt(hidden) for _ in range(hidden)]
b2 = 0.0
lr = 0.05
for epoch in range(1500):
    gw1 = [[0.0] * d for _ in range(hidden)]; gb1 = [0.0] * hidden; gw2 = [0.0] * hidden; gb2 = 0.0
    for x, y in zip(xs, ys):
        pre = [sum(w1[j][i] * x[i] for i in range(d)) + b1[j] for j in range(hidden)]
        act = [max(0.0, p) for p in pre]
        out = sum(w2[j] * act[j] for j in range(hidden)) + b2
        g = 2 * (out - y) / n
        gb2 += g
        for j in range(hidden):
            gw2[j] += g * act[j]
            if pre[j] > 0:
                gj = g * w2[j]
                gb1[j] += gj
                for i in range(d):
                    gw1[j][i] += gj * x[i]
    for j in range(hidden):
        w2[j] -= lr * gw2[j]; b1[j] -= lr * gb1[j]
        for i in range(d):
            w1[j][i] -= lr * gw1[j][i]
    b2 -= lr * gb2

dec = lambda v: repr(round(v, 8))
net = {"format": "robustlaw-net", "version": 1, "input_dim": d,
       "layers": [{"weights": [[dec(v) for v in row] for row in w1], "bias": [dec(v) for v in b1]},
                  {"weights": [[dec(v) for v in w2]], "bias": [dec(b2)]}]}
with open("model.json", "w") as f:
    json.dump(net, f, indent=1)
with open("data.csv", "w") as f:
    f.write("x1,x2,x3,y\n")
    for x, y in zip(xs, ys):
        f.write(",".join(repr(v) for v in x) + "," + str(y) + "\n")
