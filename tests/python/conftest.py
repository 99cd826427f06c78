"""Shared helpers: where the sources and the built binary are, and the CLI run."""
import json
import os
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("ROBUSTLAW_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BINARY = Path(os.environ.get("ROBUSTLAW_BINARY", SOURCE_DIR / "build" / "robustlaw"))


def cli(*args, expect_status=0):
    """Runs the built robustlaw binary; returns (parsed stdout JSON or text, stderr)."""
    run = subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True, timeout=120)
    assert run.returncode == expect_status, run.stderr
    if "--json" in args and expect_status == 0:
        return json.loads(run.stdout), run.stderr
    return run.stdout, run.stderr


def cli_error(*args):
    """The message the CLI prints for bad input (exit status 2), without its prefix."""
    _, err = cli(*args, expect_status=2)
    prefix = "robustlaw: error: "
    assert err.startswith(prefix), err
    return err[len(prefix):].strip()


def write_json_net(path, layers):
    """A robustlaw-net file holding the exact values of float (W, b) layers."""
    def exact(x):
        q = Fraction(float(x))
        return f"{q.numerator}/{q.denominator}"
    doc = {"format": "robustlaw-net", "version": 1, "input_dim": int(layers[0][0].shape[1]),
           "layers": [{"weights": [[exact(x) for x in row] for row in W], "bias": [exact(x) for x in b]}
                      for W, b in layers]}
    Path(path).write_text(json.dumps(doc))
    return path


@pytest.fixture(scope="session")
def binary():
    if not BINARY.exists():
        pytest.fail(f"the robustlaw binary {BINARY} is missing: build it first")
    return BINARY
