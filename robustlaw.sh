#!/usr/bin/env bash
# robustlaw quick start: installs what is missing, configures, builds, runs.
#   ./robustlaw.sh demo   certified bounds on a bundled network and the theorem at MNIST size
#   ./robustlaw.sh test   every test: unit tests, proofs/ replay, sanitizer build
#   ./robustlaw.sh deps | build | bench
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES="cmake g++ make pkg-config libboost-dev libgmp-dev libmpfr-dev libmpfi-dev doctest-dev
  libflint-arb-dev libflint-dev libonnx-dev libprotobuf-dev protobuf-compiler nlohmann-json3-dev
  libcli11-dev libglpk-dev libtbb-dev python3-cvxopt python3-numpy libopenmpi-dev openmpi-bin gnuplot-nox time"
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
  local net=data/nets/acasxu/ACASXU_run2a_1_1_batch_2000.nnet
  echo "== robustlaw info $net"
  ./build/robustlaw info "$net"
  if [ -f checkers/lipschitz.cpp ]; then
    echo "== certified Lipschitz constant of sisl TestNetwork on a small box (l2)"
    ./build/robustlaw lipschitz data/nets/sisl/TestNetwork.nnet --norm l2 --box=500:600,0:0.1,0:0.1,400:410,400:410 --time-limit 20
  fi
  if [ -f checkers/theorem.cpp ]; then
    echo "== the universal law at the MNIST figures (NeurIPS 2021 edition)"
    ./build/robustlaw theorem --edition neurips2021 --n 60000 --d 784 --p 1000000 --epsilon 0.1 --delta 0.01 --c 1 --W 10 --J 10
  fi
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
}

case "${1:-}" in
  deps) deps ;;
  build) deps; build build ;;
  demo) demo ;;
  test) test_all ;;
  bench) deps; build build; if [ -x bench/run.sh ]; then bench/run.sh; else echo "no benchmarks yet"; fi ;;
  *) sed -n '2,6p' "$0"; exit 2 ;;
esac
