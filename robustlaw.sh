#!/usr/bin/env bash
# robustlaw quick start: installs what is missing, configures, builds, runs.
#   ./robustlaw.sh demo   certified bounds on a bundled network and the theorem at MNIST size
#   ./robustlaw.sh test   every test: unit tests, proofs/ replay, sanitizer build, fuzz smoke run
#   ./robustlaw.sh fuzz [SECONDS [HARNESS...]]   libFuzzer harnesses for SECONDS each (default 600), one after another
#   ./robustlaw.sh valgrind         a short subset of the tests under valgrind memcheck
#   ./robustlaw.sh deps | build | bench
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES="cmake g++ make pkg-config libboost-dev libgmp-dev libmpfr-dev libmpfi-dev doctest-dev
  libflint-arb-dev libflint-dev libonnx-dev libprotobuf-dev protobuf-compiler nlohmann-json3-dev
  libcli11-dev libglpk-dev libtbb-dev clang-14 libclang-rt-14-dev valgrind
  python3-cvxopt python3-numpy libopenmpi-dev openmpi-bin gnuplot-nox time libsdpa-dev
  pybind11-dev python3-pybind11 python3-dev python3-pytest python3-torch python3-sklearn python3-matplotlib"
JOBS=$(nproc 2>/dev/null || echo 2)

deps() {
  local missing=()
  for p in $PACKAGES; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
}

build() {  # build DIR [cmake args...]
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$dir" -j"$JOBS"
}

demo() {
  deps
  build build
  local rl=./build/robustlaw acas=data/nets/acasxu/ACASXU_run2a_1_1_batch_2000.nnet
  echo "== the network: robustlaw info $acas"
  $rl info "$acas"
  echo
  echo "== certified Lipschitz constant of a 2-32-32-1 network on [-1,1]^2 (l2), converged to rel-gap 1e-9"
  $rl lipschitz bench/nets/rand_2-32-32-1.json --norm l2 --box=-1:1
  echo
  echo "== ACAS Xu 1_1 (normalized coordinates) on [-0.01,0.01]^5 (l2), best certified pair within 20 s"
  $rl lipschitz "$acas" --normalized --norm l2 --box=-0.01:0.01 --time-limit 20
  echo
  echo "== a certified robustness claim on ACAS Xu 1_1"
  $rl certify "$acas" --input=20000,0,0,500,500 --radius=1 --norm linf --time-limit 20
  echo
  echo "== the main theorem at the paper's MNIST and ImageNet figures, both editions"
  $rl theorem --report
  echo
  echo "== the seed's claim 'U(S^{d-1}) is 1/sqrt(d)-concentrated' at d = 100"
  $rl concentration --measure sphere --d 100 --function coordinate --form definition2 --c 1/10 --t 1/5
}

# libFuzzer harnesses (tests/fuzz): clang build with ASan + UBSan.
FUZZ_HARNESSES="rational json nnet onnx json_net cert_lipschitz vnnlib claim"

fuzz_available() {
  command -v clang++-14 >/dev/null 2>&1 &&
    compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null
}

fuzz_build() {
  cmake -S . -B build-fuzz -DROBUSTLAW_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 >/dev/null
  cmake --build build-fuzz -j"$JOBS" --target fuzz_all
}

# fuzz_run SECONDS [HARNESS...]: the checked-in corpus (seeds and every past
# reproducer) runs first, then new inputs for SECONDS; any crash, leak, hang
# (60 s: generous, the largest seeds take under 1 s) or sanitizer report
# fails. New corpus entries go to build-fuzz/corpus.
fuzz_run() {
  local seconds=$1; shift
  local harnesses=${*:-$FUZZ_HARNESSES}
  for h in $harnesses; do
    echo "== fuzz_$h for ${seconds}s"
    mkdir -p "build-fuzz/corpus/$h" "build-fuzz/artifacts/$h"
    local status=0
    ASAN_OPTIONS=detect_leaks=1 ./build-fuzz/tests/fuzz/"fuzz_$h" -max_total_time="$seconds" -timeout=60 \
      -rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$h/" \
      "build-fuzz/corpus/$h" "tests/fuzz/corpus/$h" >"build-fuzz/fuzz_$h.log" 2>&1 || status=$?
    grep -E "^stat::(number_of_executed_units|new_units_added|peak_rss)|ERROR|SUMMARY|Test unit" "build-fuzz/fuzz_$h.log" || true
    [ "$status" -eq 0 ] || { echo "fuzz_$h failed (exit $status): build-fuzz/fuzz_$h.log, build-fuzz/artifacts/$h/"; return 1; }
  done
}

# Memcheck on a short subset of the Release tests (valgrind runs 20-50x slower):
# the loaders on real and malformed files, the fuzz regressions, exact parsing
# and outward decimals. VALGRIND_TESTS overrides the doctest filter.
valgrind_run() {
  build build
  valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    ./build/tests/robustlaw_tests \
    -tc="${VALGRIND_TESTS:-*TestNetwork2*,malformed*,an unknown ONNX*,regression:*,JSON networks*,rational_parse*,decimal_round*}"
}

run_tests() {  # run_tests BUILD_DIR
  ctest --test-dir "$1" -j"$JOBS" --output-on-failure --timeout 1500
}

test_all() {
  deps
  build build
  run_tests build
  echo "== sanitizer build (AddressSanitizer + UndefinedBehaviorSanitizer)"
  build build-asan -DROBUSTLAW_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROBUSTLAW_TEST_SCALE=small
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_tests build-asan
  if fuzz_available; then
    echo "== fuzz smoke run (libFuzzer, ASan + UBSan)"
    fuzz_build
    fuzz_run 10
  else
    echo "== fuzz smoke run skipped: clang-14 or its libFuzzer runtime is missing"
  fi
}

case "${1:-}" in
  deps) deps ;;
  build) deps; build build ;;
  demo) demo ;;
  test) test_all ;;
  fuzz) deps; fuzz_build; fuzz_run "${2:-600}" "${@:3}" ;;
  valgrind) deps; valgrind_run ;;
  bench) deps; build build; if [ -x bench/run.sh ]; then bench/run.sh; else echo "no benchmarks yet"; fi ;;
  *) sed -n '2,7p' "$0"; exit 2 ;;
esac
