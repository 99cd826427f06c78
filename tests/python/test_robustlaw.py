"""The Python module against the command line on the same models, the exact
reading of numpy and torch weights, bad input, and an interrupted search."""
import json
import os
import signal
import threading
import time
from fractions import Fraction

import numpy as np
import pytest

import robustlaw
from conftest import SOURCE_DIR, cli, cli_error, write_json_net

NETS = SOURCE_DIR / "bench" / "nets"
SMALL_2D = SOURCE_DIR / "proofs" / "robustness" / "nets" / "small_2d.json"
ACAS_1_1 = SOURCE_DIR / "data" / "nets" / "acasxu" / "ACASXU_run2a_1_1_batch_2000.nnet"
TEST_ONNX = SOURCE_DIR / "data" / "nets" / "sisl" / "TestNetwork2.onnx"
TIMINGS = {"seconds", "lipsdp_seconds"}


def without_timings(report):
    return {k: v for k, v in report.items() if k not in TIMINGS}


def random_layers(sizes, dtype, seed):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((n_out, n_in)).astype(dtype) / np.sqrt(n_in), rng.standard_normal(n_out).astype(dtype) / 4)
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


# ---------------------------------------------------------------- the same numbers as the CLI

@pytest.mark.parametrize("model, cli_args, kwargs", [
    (NETS / "rand_2-16-16-1.json", ["--norm", "l2", "--box=-1:1"], dict(norm="l2", box=[(-1, 1)])),
    (NETS / "rand_3-12-1.json", ["--norm", "l2", "--global"], dict(norm="l2")),
    (NETS / "rand_3-16-16-16-4.json", ["--norm", "l1", "--box=-0.5:0.5"], dict(norm="l1", box=[("-0.5", "0.5")] * 3)),
    (TEST_ONNX, ["--norm", "linf", "--box=-1/20:1/20"], dict(norm="linf", box=[(Fraction(-1, 20), Fraction(1, 20))])),
    (SOURCE_DIR / "data" / "nets" / "sisl" / "TestNetwork.nnet", ["--norm", "linf", "--box=-0.002:0.002", "--normalized", "--output", "0"],
     dict(norm="linf", box=[("-0.002", "0.002")], normalized=True, output=0)),
    (NETS / "rand_2-16-16-1.json", ["--norm", "l2", "--box=-1:1", "--baselines"], dict(norm="l2", box=[(-1, 1)], baselines=True)),
])
def test_lipschitz_file_models_match_the_cli(binary, model, cli_args, kwargs):
    expected, _ = cli("lipschitz", model, *cli_args, "--threads", "1", "--json")
    result = robustlaw.lipschitz(str(model), threads=1, **kwargs)
    assert without_timings(result.to_dict()) == without_timings(expected)
    assert result.lower == Fraction(expected["lower_exact"]) and result.upper == Fraction(expected["upper_exact"])
    assert result.lower <= result.upper
    assert result.status == expected["status"] == "converged"
    assert result.methods == {"lower": expected["lower_method"], "upper": expected["upper_method"]}
    # The converged search reports the baselines only when asked.
    assert ("baselines" in expected) == kwargs.get("baselines", False)


def test_numpy_float32_and_float64_match_the_cli_on_the_same_exact_network(binary, tmp_path):
    for dtype in (np.float32, np.float64):
        layers = random_layers([3, 10, 10, 1], dtype, seed=7)
        path = write_json_net(tmp_path / f"net_{np.dtype(dtype).name}.json", layers)
        expected, _ = cli("lipschitz", path, "--norm", "l2", "--box=-1/2:1/2", "--threads", "1", "--json")
        result = robustlaw.lipschitz(layers, box=[(Fraction(-1, 2), Fraction(1, 2))], threads=1)
        assert (result.lower, result.upper) == (Fraction(expected["lower_exact"]), Fraction(expected["upper_exact"]))
        assert result["status"] == expected["status"] == "converged"
        assert result.lower > 0


def test_torch_sequential_matches_numpy_and_the_cli(binary, tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(3)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 12), torch.nn.ReLU(), torch.nn.Linear(12, 2))
    layers = [(m.weight.detach().numpy(), m.bias.detach().numpy()) for m in model if isinstance(m, torch.nn.Linear)]
    assert layers[0][0].dtype == np.float32
    path = write_json_net(tmp_path / "torch_net.json", layers)
    expected, _ = cli("lipschitz", path, "--norm", "l2", "--global", "--json")
    from_torch = robustlaw.lipschitz(model)
    from_numpy = robustlaw.lipschitz(layers)
    assert (from_torch.lower, from_torch.upper) == (from_numpy.lower, from_numpy.upper)
    assert (from_torch.lower, from_torch.upper) == (Fraction(expected["lower_exact"]), Fraction(expected["upper_exact"]))
    assert from_torch.to_dict().keys() == expected.keys()


def test_certify_ball_and_vnnlib_match_the_cli(binary):
    expected, _ = cli("certify", SMALL_2D, "--input=0.3,0.1", "--radius=0.1", "--norm=linf", "--json")
    result = robustlaw.certify(str(SMALL_2D), input=["0.3", "0.1"], radius="0.1", norm="linf")
    assert without_timings(result.to_dict()) == without_timings(expected)
    assert result.verdict == "verified" and result.radius_lower == Fraction(1, 10)

    vnnlib = SOURCE_DIR / "bench" / "vnnlib" / "small_2d_margin.vnnlib"
    expected, _ = cli("certify", SMALL_2D, "--vnnlib", vnnlib, "--json")
    result = robustlaw.certify(str(SMALL_2D), vnnlib=vnnlib)
    assert without_timings(result.to_dict()) == without_timings(expected)
    assert result.status == expected["result"]


def test_certify_vnnlib_threads_match_the_cli_and_bad_counts_are_refused(binary):
    acas = SOURCE_DIR / "data" / "nets" / "acasxu" / "ACASXU_run2a_1_1_batch_2000.nnet"
    vnnlib = SOURCE_DIR / "bench" / "vnnlib" / "acasxu_prop2.vnnlib"
    expected, _ = cli("certify", acas, "--vnnlib", vnnlib, "--threads", "2", "--json")
    result = robustlaw.certify(str(acas), vnnlib=vnnlib, threads=2)
    assert without_timings(result.to_dict()) == without_timings(expected)
    assert result.status == expected["result"] == "unsat"
    for bad in (0, -1, 1.5, True):
        with pytest.raises(robustlaw.InputError, match="--threads"):
            robustlaw.certify(str(acas), vnnlib=vnnlib, threads=bad)
    with pytest.raises(robustlaw.InputError, match="only with vnnlib"):
        robustlaw.certify(str(SMALL_2D), input=["0.3", "0.1"], radius="0.1", threads=2)


def test_certify_vnnlib_writes_a_certificate_the_checker_replays(tmp_path):
    vnnlib = SOURCE_DIR / "bench" / "vnnlib" / "small_2d_margin.vnnlib"
    claim_path = tmp_path / "margin.json"
    result = robustlaw.certify(str(SMALL_2D), vnnlib=vnnlib, certificate=claim_path)
    assert result.status in ("unsat", "sat")
    assert result.certificate["kind"] == "robustness" and result.certificate["id"] == "margin"
    assert result.replayed
    report = robustlaw.check(claim_path)
    assert report.ok and report.passed == 1
    # The same claim with its expected verdict flipped: the checker must refuse it.
    claim = json.loads(claim_path.read_text())
    claim["expected"] = "violated" if claim["expected"] == "holds" else "holds"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(claim))
    report = robustlaw.check(tampered)
    assert not report.ok and report.failed == 1


@pytest.mark.parametrize("radius, verdict", [("0.1", "verified"), ("2", "refuted")])
def test_certify_ball_writes_the_cli_certificate_and_a_tampered_copy_fails(binary, tmp_path, radius, verdict):
    args = dict(input=["0.3", "0.1"], radius=radius, norm="linf")
    claim_path = tmp_path / "ball.json"
    result = robustlaw.certify(str(SMALL_2D), certificate=claim_path, **args)
    assert result.verdict == verdict and result.replayed
    assert result.certificate == json.loads(claim_path.read_text())
    # The command line writes the same claim (certificate and all) for the same ball.
    cli_path = tmp_path / "cli" / "ball.json"
    cli_path.parent.mkdir()
    cli("certify", SMALL_2D, "--input=0.3,0.1", f"--radius={radius}", "--norm=linf", "--certificate", cli_path, "--json")
    written = json.loads(cli_path.read_text())
    assert written["certificate"] == result.certificate["certificate"] and written["expected"] == result.certificate["expected"]
    assert robustlaw.check(claim_path).passed == 1
    claim = result.certificate
    if verdict == "verified":
        claim["parameters"]["radius"] = "1"  # a larger ball than the partition proves
    else:
        claim["certificate"]["counterexample"] = ["3/10", "1/10"]  # the center, which is classified correctly
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(claim))
    report = robustlaw.check(tampered)
    assert not report.ok and report.failed == 1


def test_certify_ball_of_an_in_memory_model_writes_the_network_beside_its_claim(tmp_path):
    layers = [(np.array([[1.0], [0.0]]), np.array([0.0, 0.0])), (np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([-0.5, 0.0]))]
    claim_path = tmp_path / "line.json"
    result = robustlaw.certify(layers, input=[1], radius=Fraction(1, 4), norm="l2", certificate=claim_path)
    assert result.verdict == "verified" and result.replayed
    assert result.certificate["parameters"]["model"] == "line.net.json"
    assert robustlaw.check(claim_path).passed == 1


def test_certify_refutes_with_an_exact_counterexample():
    # f(x) = x - 1/2 on one input (two classes: f and 0): class changes at 1/2.
    layers = [(np.array([[1.0], [0.0]]), np.array([0.0, 0.0])), (np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([-0.5, 0.0]))]
    result = robustlaw.certify(layers, input=[1], radius=Fraction(3, 4), norm="l2")
    assert result.verdict == "refuted"
    assert result.counterexample is not None and result.counterexample[0] <= Fraction(1, 2)


def test_theorem_matches_the_cli(binary):
    params = dict(n=60000, d=784, p=786000, epsilon="1/10", delta="1/100", c=1, W=1, J=1)
    for edition in ("neurips2021", "seed"):
        args = [f"--{k}={v}" for k, v in params.items()]
        expected, _ = cli("theorem", "--edition", edition, *args, "--json")
        result = robustlaw.theorem(edition=edition, **params)
        assert result.to_dict() == expected
        assert result.condition8 is False  # the README's MNIST row: (8) fails in both editions
        assert 0 < result.bound_lower <= result.bound_upper
    assert robustlaw.theorem(**params).least_n == 2738017


def test_check_replays_a_written_certificate_and_refuses_a_tampered_one(tmp_path):
    layers = random_layers([2, 6, 1], np.float32, seed=11)
    claim_path = tmp_path / "claim.json"
    result = robustlaw.lipschitz(layers, box=[(-1, 1)], certificate=claim_path)
    assert result.certificate["kind"] == "lipschitz"
    assert (tmp_path / "claim.net.json").exists()
    # Portable, as the command line writes it: id from the file name, the
    # network named relative to the claim's folder, replayed once written.
    assert result.certificate["id"] == "claim"
    assert result.certificate["parameters"]["network"] == "claim.net.json"
    assert result.replayed
    report = robustlaw.check(claim_path)
    assert report.ok and report.passed == 1 and report.failed == 0

    claim = json.loads(claim_path.read_text())
    claim["statement"] = "tampered"
    certificate = claim["certificate"]
    # Claim an upper bound below the proven lower bound: the checker must refuse it.
    certificate["upper"] = str(result.lower / 2)
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(claim))
    report = robustlaw.check(tampered)
    assert not report.ok and report.failed == 1


def test_a_written_claim_names_a_model_file_relative_to_its_folder(tmp_path):
    model = NETS / "rand_2-8-1.json"
    claim_path = tmp_path / "sub" / "written.json"
    claim_path.parent.mkdir()
    result = robustlaw.lipschitz(str(model), box=[(-1, 1)], certificate=claim_path)
    network = result.certificate["parameters"]["network"]
    assert not os.path.isabs(network)
    assert os.path.samefile(claim_path.parent / network, model)
    assert result.certificate["id"] == "written"
    assert robustlaw.check(claim_path).ok


def test_certificate_true_returns_the_claim_without_writing(tmp_path):
    result = robustlaw.lipschitz(str(NETS / "rand_2-8-1.json"), certificate=True)
    assert result.certificate["parameters"]["network"] == str(NETS / "rand_2-8-1.json")
    assert result.certificate["expected"] == "holds"


# ---------------------------------------------------------------- exact float conversion

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_weights_are_read_as_the_exact_binary_numbers_they_denote(dtype):
    # f(x) = w x + b: L = |w|, the exact value of the float, not 1/10. The
    # certified pair encloses it within 2^-50 relative (the lower bound is
    # floored to 2^-64, the upper rounded up to 53 bits), which leaves 1/10 out.
    w = dtype(0.1)
    exact = Fraction(float(w))
    assert exact > Fraction(1, 10)
    result = robustlaw.lipschitz([(np.array([[w]], dtype=dtype), np.array([dtype(0.3)], dtype=dtype))])
    assert Fraction(1, 10) < result.lower <= exact <= result.upper
    assert result.upper - result.lower <= exact / 2**50
    if dtype is np.float32:
        assert exact == Fraction(13421773, 134217728)


def test_torch_float32_parameters_are_read_exactly():
    torch = pytest.importorskip("torch")
    linear = torch.nn.Linear(1, 1)
    with torch.no_grad():
        linear.weight.fill_(1 / 3)
    exact = Fraction(float(np.float32(1 / 3)))  # 11184811/33554432, above 1/3
    result = robustlaw.lipschitz(torch.nn.Sequential(linear))
    assert Fraction(1, 3) < result.lower <= exact <= result.upper
    assert result.upper - result.lower <= exact / 2**50


def test_option_numbers_keep_their_exact_value():
    # A box end given as the float 0.1 is the double 0.1, as a string it is 1/10.
    as_float = robustlaw.lipschitz(str(NETS / "rand_2-8-1.json"), box=[(0, 0.1)])
    as_text = robustlaw.lipschitz(str(NETS / "rand_2-8-1.json"), box=[(0, "0.1")])
    assert as_float["domain"]["box"][0][1] == "3602879701896397/36028797018963968"
    assert as_text["domain"]["box"][0][1] == "1/10"


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("python_call, cli_args", [
    (lambda: robustlaw.lipschitz("/nonexistent/net.json"), ["lipschitz", "/nonexistent/net.json", "--norm", "l2", "--global"]),
    (lambda: robustlaw.lipschitz(str(NETS / "rand_2-8-1.json"), box=[(1, -1)]),
     ["lipschitz", NETS / "rand_2-8-1.json", "--norm", "l2", "--box=1:-1"]),
    (lambda: robustlaw.lipschitz(str(NETS / "rand_2-8-1.json"), norm="l3"),
     ["lipschitz", NETS / "rand_2-8-1.json", "--norm", "l3", "--global"]),
    (lambda: robustlaw.lipschitz(str(NETS / "rand_2-8-1.json"), box=[(0, 1)] * 3),
     ["lipschitz", NETS / "rand_2-8-1.json", "--norm", "l2", "--box=0:1,0:1,0:1"]),
    (lambda: robustlaw.lipschitz(str(NETS / "rand_2-8-1.json"), rel_gap="-1"),
     ["lipschitz", NETS / "rand_2-8-1.json", "--norm", "l2", "--global", "--rel-gap=-1"]),
    (lambda: robustlaw.lipschitz(str(NETS / "rand_2-8-1.json"), rel_gap="0"),
     ["lipschitz", NETS / "rand_2-8-1.json", "--norm", "l2", "--global", "--rel-gap=0"]),
    (lambda: robustlaw.certify(str(SMALL_2D), input=["0.3"], radius="0.1"),
     ["certify", SMALL_2D, "--input=0.3", "--radius=0.1"]),
    (lambda: robustlaw.certify(str(SMALL_2D), input=["0.3", "x"], radius="0.1"),
     ["certify", SMALL_2D, "--input=0.3,x", "--radius=0.1"]),
    (lambda: robustlaw.theorem(n=100, d=10, p=100, epsilon=2, delta="0.01", c=1, W=1, J=1),
     ["theorem", "--edition", "neurips2021", "--n=100", "--d=10", "--p=100", "--epsilon=2", "--delta=0.01", "--c=1", "--W=1", "--J=1"]),
    (lambda: robustlaw.theorem(d=10, p=100, epsilon="0.1", delta="0.01", c=1, W=1, J=1),
     ["theorem", "--edition", "neurips2021", "--d=10", "--p=100", "--epsilon=0.1", "--delta=0.01", "--c=1", "--W=1", "--J=1"]),
    (lambda: robustlaw.theorem(edition="arxiv", n=100, d=10, p=100, epsilon="0.1", delta="0.01", c=1, W=1, J=1),
     ["theorem", "--edition", "arxiv", "--n=100", "--d=10", "--p=100", "--epsilon=0.1", "--delta=0.01", "--c=1", "--W=1", "--J=1"]),
])
def test_bad_input_raises_value_error_with_the_cli_message(binary, python_call, cli_args):
    message = cli_error(*cli_args)
    with pytest.raises(ValueError) as caught:
        python_call()
    assert str(caught.value) == message
    assert isinstance(caught.value, robustlaw.InputError)


@pytest.mark.parametrize("layers, fragment", [
    ([(np.ones((3, 2)), np.ones(3)), (np.ones((1, 4)), np.ones(1))], "numpy layers: layer 2"),  # 3 outputs feed 4 inputs
    ([(np.array([[np.nan]]), np.zeros(1))], "layer 1 W[0][0]"),
    ([(np.array([[np.inf]]), np.zeros(1))], "layer 1 W[0][0]"),
    ([(np.ones((1, 2), dtype=np.int64), np.zeros(1))], "dtype int64"),
    ([(np.ones(2), np.zeros(1))], "W has 1 dimensions"),
    ([np.ones((1, 2))], "expected a pair (W, b)"),
    ([], "no layers"),
])
def test_bad_numpy_models_are_refused(layers, fragment):
    with pytest.raises(ValueError) as caught:
        robustlaw.lipschitz(layers)
    assert fragment in str(caught.value)


def test_bad_torch_models_are_refused():
    torch = pytest.importorskip("torch")
    cases = [
        (torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 1)), "Sigmoid"),
        (torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU()), "ends with a ReLU"),
        (torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1)), "without a ReLU"),
        (torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(2, 1)), "must follow a Linear"),
    ]
    for model, fragment in cases:
        with pytest.raises(ValueError) as caught:
            robustlaw.lipschitz(model)
        assert fragment in str(caught.value)


# ---------------------------------------------------------------- interruption and the GIL

def test_ctrl_c_stops_a_search_and_returns_its_certified_pair():
    # ACAS Xu 1_1 on this box does not converge within a minute.
    timer = threading.Timer(1.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    try:
        result = robustlaw.lipschitz(str(ACAS_1_1), box=[("-0.05", "0.05")], normalized=True, threads=1)
    finally:
        timer.cancel()
    elapsed = time.monotonic() - start
    assert result.status == "interrupted"
    assert 0 < result.lower <= result.upper
    assert 1.4 < elapsed < 15
    # The interpreter still takes Ctrl-C afterwards.
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)


def test_searches_release_the_gil():
    done = threading.Event()
    results = []

    def search():
        results.append(robustlaw.lipschitz(str(ACAS_1_1), box=[("-0.05", "0.05")], normalized=True, threads=1,
                                           time_limit=1.5))
        done.set()

    worker = threading.Thread(target=search)
    worker.start()
    spins = 0
    while not done.is_set():
        spins += 1  # Python work in this thread while the search runs
        time.sleep(0.001)
    worker.join()
    assert results[0].status == "time-limit"
    assert spins > 200


AUDIT_EXAMPLE = SOURCE_DIR / "proofs" / "theorem" / "audit_example"


def test_audit_matches_the_cli_from_a_file_and_from_rows():
    params = dict(sigma="0.8", delta="0.1", c="3/2")
    expected, _ = cli("audit", str(AUDIT_EXAMPLE / "model.json"), "--data", str(AUDIT_EXAMPLE / "data.csv"), "--box-data",
                      *[f"--{k}={v}" for k, v in params.items()], "--json")
    expected = {k: v for k, v in expected.items() if k not in ("model", "data")}
    from_file = robustlaw.audit(AUDIT_EXAMPLE / "model.json", AUDIT_EXAMPLE / "data.csv", box_data=True, **params)
    assert from_file.to_dict() == expected
    rows = [line.split(",") for line in (AUDIT_EXAMPLE / "data.csv").read_text().split("\n")[1:] if line]
    from_rows = robustlaw.audit(AUDIT_EXAMPLE / "model.json", [r[:-1] for r in rows], [r[-1] for r in rows], box_data=True,
                                **params)
    assert from_rows.to_dict() == expected
    assert from_rows.verdict == expected["verdict"] == "does-not-apply"
    assert from_rows.mse == Fraction(expected["training_mse"]["exact"])
    assert 0 < from_rows.lip_lower <= from_rows.lip_upper


def test_audit_refuses_bad_input():
    model = AUDIT_EXAMPLE / "model.json"
    with pytest.raises(robustlaw.InputError, match="--sigma"):
        robustlaw.audit(model, AUDIT_EXAMPLE / "data.csv", sigma=2, delta="0.1", c=1)
    with pytest.raises(robustlaw.InputError, match="labels"):
        robustlaw.audit(model, [[0, 0, 0]], sigma="0.8", delta="0.1", c=1)
    with pytest.raises(robustlaw.InputError, match="y\\[0\\]"):
        robustlaw.audit(model, [[0, 0, 0]], ["one"], sigma="0.8", delta="0.1", c=1)
    with pytest.raises(robustlaw.InputError, match="feature columns"):
        robustlaw.audit(model, [[0, 0]], [1], sigma="0.8", delta="0.1", c=1)
