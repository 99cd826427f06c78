# Build speed and checking modes, kept apart from what is built.
#
# ROBUSTLAW_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer for every
#   target. With clang it is compiled at -O1 with line tables only: the
#   sanitizers need no more, and the build is twice as fast as at -O2 -g.
# ROBUSTLAW_FUZZ: the libFuzzer harnesses of tests/fuzz, in the same build as
#   the sanitized tests (clang only): the library then also carries libFuzzer's
#   coverage instrumentation, which the ASan runtime tolerates in ordinary
#   executables, so one compilation serves the tests and the harnesses.
# ROBUSTLAW_PCH: precompiled third-party headers (Boost.Multiprecision with GMP,
#   nlohmann/json, doctest, CLI11 and the standard library), which every
#   translation unit otherwise parses again.
option(ROBUSTLAW_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(ROBUSTLAW_FUZZ "Build the libFuzzer harnesses of tests/fuzz (needs clang; implies ROBUSTLAW_SANITIZE)" OFF)
option(ROBUSTLAW_PCH "Precompile the heavy third-party headers" ON)
option(ROBUSTLAW_BENCH "Build the benchmark tools of bench/" ON)

if(ROBUSTLAW_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ROBUSTLAW_FUZZ needs clang (libFuzzer), e.g. -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  set(ROBUSTLAW_SANITIZE ON)
endif()

if(ROBUSTLAW_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_compile_options(-O1 -gline-tables-only)
  endif()
endif()

# The project's own code: warnings on, and with ROBUSTLAW_FUZZ the coverage
# instrumentation that guides libFuzzer.
function(robustlaw_own_code target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(ROBUSTLAW_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()

# robustlaw_driver_code(TARGET): code that drives the library rather than
# computes (the command-line front ends of checkers/, the test drivers of
# tests/): compiled at -O1, where the optimizer costs half of the compile time
# of -O3 and the run time lies in lib/, which keeps the build type's flags;
# with ROBUSTLAW_UNITY, as unity builds of ROBUSTLAW_UNITY_BATCH files, which
# compile the third-party inline functions (CLI11, doctest) once per batch
# rather than once per file.
option(ROBUSTLAW_UNITY "Compile the front ends and the test drivers as unity builds" ON)
set(ROBUSTLAW_UNITY_BATCH 8 CACHE STRING "Files per unity translation unit")
function(robustlaw_driver_code target)
  target_compile_options(${target} PRIVATE -O1)
  if(ROBUSTLAW_UNITY)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${ROBUSTLAW_UNITY_BATCH})
  endif()
endfunction()

# robustlaw_test_code(TARGET): the test drivers, as driver code, but at -O0
# outside the sanitized build: their run time lies in lib/ and in the
# processes they start (the Release suite took 72.6 s of CPU at -O1 and 73.1 s
# at -O0), while -O0 compiles them with a fifth less CPU. The sanitized build
# keeps -O1, where instrumented -O0 code would run slower.
function(robustlaw_test_code target)
  robustlaw_driver_code(${target})
  if(NOT ROBUSTLAW_SANITIZE)
    target_compile_options(${target} PRIVATE -O0)
  endif()
endfunction()

set(ROBUSTLAW_PCH_HEADERS
  <algorithm> <cmath> <cstdint> <filesystem> <fstream> <functional> <map>
  <memory> <optional> <random> <sstream> <stdexcept> <string> <string_view>
  <vector> <boost/multiprecision/gmp.hpp> <nlohmann/json.hpp>)

# robustlaw_pch(TARGET [EXTRA_HEADER...]): precompiles the common headers (and
# the extras) for TARGET.
function(robustlaw_pch target)
  if(ROBUSTLAW_PCH)
    target_precompile_headers(${target} PRIVATE ${ROBUSTLAW_PCH_HEADERS} ${ARGN})
  endif()
endfunction()
