#!/usr/bin/env bash
# robustlaw quick start: installs what is missing, configures, builds, runs.
#   ./robustlaw.sh demo   certified bounds on a bundled network and the theorem at MNIST size
#   ./robustlaw.sh test   every test: unit tests, proofs/ replay, sanitizer build, fuzz smoke run (CI)
#   ./robustlaw.sh test --quick   the Release build, its unit tests and proofs/ replay (while iterating)
#   ./robustlaw.sh fuzz [SECONDS [HARNESS...]]   libFuzzer harnesses for SECONDS each (default 600), one after another
#   ./robustlaw.sh valgrind         a short subset of the tests under valgrind memcheck
#   ./robustlaw.sh deps | build | bench
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES="cmake g++ ninja-build pkg-config libboost-dev libgmp-dev libmpfr-dev libmpfi-dev doctest-dev
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
  # A build folder made by another generator cannot be reconfigured for Ninja.
  if [ -f "$dir/CMakeCache.txt" ] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
    rm -rf "$dir"
  fi
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
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

# The sanitized build: clang with ASan + UBSan at -O1, the tests and the
# libFuzzer harnesses (tests/fuzz) from one compilation of the library. Without
# clang-14 and its libFuzzer runtime it falls back to GCC and has no harnesses.
FUZZ_HARNESSES="rational json nnet onnx json_net cert_lipschitz vnnlib claim"

fuzz_available() {
  command -v clang++-14 >/dev/null 2>&1 &&
    compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null
}

sanitized_build() {  # sanitized_build [TARGET...]
  local args=(-DROBUSTLAW_SANITIZE=ON -DROBUSTLAW_BENCH=OFF -DROBUSTLAW_TEST_SCALE=small)
  if fuzz_available; then
    args+=(-DROBUSTLAW_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14)
  fi
  if [ -f build-asan/CMakeCache.txt ] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' build-asan/CMakeCache.txt; then
    rm -rf build-asan
  fi
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${args[@]}" >/dev/null
  cmake --build build-asan -j"$JOBS" ${1:+--target "$@"}
}

# fuzz_run SECONDS [HARNESS...]: the checked-in corpus (seeds and every past
# reproducer) runs first, then new inputs for SECONDS; any crash, leak, hang
# (60 s: generous, the largest seeds take under 1 s) or sanitizer report
# fails. New corpus entries go to build-asan/fuzz/corpus. The harnesses are
# single-threaded, so one runs per core at a time.
FUZZ_PASSED=0 FUZZ_FAILED=0
fuzz_one() {  # fuzz_one SECONDS HARNESS: exit status of the harness, its log in build-asan/fuzz
  local seconds=$1 h=$2
  mkdir -p "build-asan/fuzz/corpus/$h" "build-asan/fuzz/artifacts/$h"
  ASAN_OPTIONS=detect_leaks=1 ./build-asan/tests/fuzz/"fuzz_$h" -max_total_time="$seconds" -timeout=60 \
    -rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="build-asan/fuzz/artifacts/$h/" \
    "build-asan/fuzz/corpus/$h" "tests/fuzz/corpus/$h" >"build-asan/fuzz/fuzz_$h.log" 2>&1
}

fuzz_run() {
  local seconds=$1; shift
  local harnesses=(${*:-$FUZZ_HARNESSES}) i
  local -A pid_of=()
  for ((i = 0; i < ${#harnesses[@]}; i += JOBS)); do
    for h in "${harnesses[@]:i:JOBS}"; do
      fuzz_one "$seconds" "$h" & pid_of[$h]=$!
    done
    for h in "${harnesses[@]:i:JOBS}"; do
      local status=0
      wait "${pid_of[$h]}" || status=$?
      echo "== fuzz_$h for ${seconds}s"
      grep -E "^stat::(number_of_executed_units|new_units_added|peak_rss)|ERROR|SUMMARY|Test unit" "build-asan/fuzz/fuzz_$h.log" || true
      if [ "$status" -eq 0 ]; then
        FUZZ_PASSED=$((FUZZ_PASSED + 1))
      else
        FUZZ_FAILED=$((FUZZ_FAILED + 1))
        echo "fuzz_$h failed (exit $status): build-asan/fuzz/fuzz_$h.log, build-asan/fuzz/artifacts/$h/"
      fi
    done
  done
  [ "$FUZZ_FAILED" -eq 0 ]
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

# run_tests BUILD_DIR [ENV...]: ctest on every core; adds its counts to the
# run's totals (ctest's own summary line stays in the output).
TESTS_PASSED=0 TESTS_FAILED=0
run_tests() {
  local dir=$1; shift
  local status=0
  env "$@" ctest --test-dir "$dir" -j"$JOBS" --output-on-failure --timeout 1500 2>&1 |
    tee "$dir/ctest.log" || status=$?
  local line total failed
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$dir/ctest.log" | tail -1)
  total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
  failed=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
  TESTS_PASSED=$((TESTS_PASSED + ${total:-0} - ${failed:-0}))
  TESTS_FAILED=$((TESTS_FAILED + ${failed:-1}))
  return "$status"
}

# stage NAME COMMAND...: runs one stage of the test command, timed; a failed
# stage is counted and the later stages still run.
STAGES=() STAGE_FAILED=0 CPU_TOTAL=0
stage() {
  local name=$1; shift
  echo "== $name"
  local start=$SECONDS status=0 cpu_file
  cpu_file=$(mktemp)
  # bash's time keyword writes the stage's user + system seconds to cpu_file;
  # the stage's own stderr goes to the terminal through fd 3.
  { TIMEFORMAT='%U %S'; time { "$@" 2>&3 || status=$?; }; } 3>&2 2>"$cpu_file"
  local seconds=$((SECONDS - start)) cpu
  cpu=$(awk '{ printf "%d", $1 + $2 }' "$cpu_file")
  rm -f "$cpu_file"
  CPU_TOTAL=$((CPU_TOTAL + cpu))
  STAGES+=("$(printf '%-40s %5d s wall %6d s cpu%s' "$name" "$seconds" "$cpu" "$([ "$status" -eq 0 ] || echo '  FAILED')")")
  echo "== $name: ${seconds} s$([ "$status" -eq 0 ] || echo ", failed (exit $status)")"
  [ "$status" -eq 0 ] || STAGE_FAILED=1
  return 0
}

summary() {
  echo "== stages"
  printf '%s\n' "${STAGES[@]}"
  printf '%-40s %5d s wall %6d s cpu\n' "total" "$SECONDS" "$CPU_TOTAL"
  local passed=$((TESTS_PASSED + FUZZ_PASSED)) failed=$((TESTS_FAILED + FUZZ_FAILED))
  # The plain closing line, for the whole run: ctest cases and fuzz harnesses.
  echo "$passed passed, $failed failed"
  [ "$STAGE_FAILED" -eq 0 ] && [ "$failed" -eq 0 ]
}

# test [--quick]: --quick is the Release build, its unit tests and the proofs/
# replay (for iterating); without it the sanitized build, its tests and the fuzz
# smoke run follow (what CI runs).
test_all() {
  local quick=${1:-}
  stage "dependencies" deps
  stage "configure + build (Release)" build build || true
  [ "$STAGE_FAILED" -eq 0 ] || { summary; return 1; }
  stage "tests + proofs replay (Release)" run_tests build
  if [ "$quick" != "--quick" ]; then
    stage "configure + build (sanitized$(fuzz_available && echo ' + fuzz'))" sanitized_build
    if [ "$STAGE_FAILED" -eq 0 ]; then
      stage "tests (sanitized)" run_tests build-asan ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
      if fuzz_available; then
        stage "fuzz smoke run (8 harnesses x 10 s, $JOBS at a time)" fuzz_run 10
      else
        echo "== fuzz smoke run skipped: clang-14 or its libFuzzer runtime is missing"
      fi
    fi
  fi
  summary
}

case "${1:-}" in
  deps) deps ;;
  build) deps; build build ;;
  demo) demo ;;
  test) test_all "${2:-}" ;;
  fuzz) deps; sanitized_build fuzz_all; fuzz_run "${2:-600}" "${@:3}" ;;
  valgrind) deps; valgrind_run ;;
  bench) deps; build build; if [ -x bench/run.sh ]; then bench/run.sh; else echo "no benchmarks yet"; fi ;;
  *) sed -n '2,8p' "$0"; exit 2 ;;
esac
