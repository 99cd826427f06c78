// The SDPA solver and the two LAPACK routines LipSDP uses, as a plugin
// (librobustlaw_sdpa.so), loaded with dlopen when a LipSDP bound is asked for
// (sdpa_plugin_load, lipsdp_solve.hpp) and by nothing else.
//
// Why a plugin: SDPA pulls in MUMPS, OpenBLAS, LAPACK and the Fortran
// runtime. Linked into robustlaw, they cost every run their loading, and
// OpenBLAS its worker threads, about 20 ms of CPU at start, which is most of
// an easy Lipschitz or verification run. Loaded on demand, only a LipSDP
// bound pays.
//
// Contract (plain C, no exceptions across it): the SDP in SDPA's dual form,
// maximize -sum c_k x_k subject to X = sum_k F_k x_k - F_0 >= 0, with one SDP
// block of size sdp_size and, when lp_size > 0, one diagonal (LP) block of
// size lp_size. `entries` lists the upper triangles of F_0 (matrix 0) and
// F_1..F_m (m = constraints), 1-based as SDPA numbers them. The solve writes
// the m entries of x and returns SDPA's final phase as its PhaseType number
// (7 is pdOPT), or -1 when it could not run. rl_lapack_eigenvalues (dsyev)
// writes the eigenvalues of the symmetric n x n matrix a (its upper triangle,
// column-major; a is overwritten) in ascending order to w;
// rl_lapack_cholesky_upper (dpotrf) overwrites the upper triangle of a with R,
// a = R^T R. Both return LAPACK's info (0: success). Untrusted: the caller
// proves what it uses.
#pragma once
#include <cstddef>

extern "C" {

struct RlSdpEntry {
  int matrix, block, row, col;
  double value;
};

struct RlSdpProblem {
  int constraints;
  int sdp_size, lp_size;
  const double* c;  // constraints entries
  const RlSdpEntry* entries;
  std::size_t entry_count;
};

using RlSdpaSolveFn = int (*)(const RlSdpProblem* problem, double* x);
using RlEigenvaluesFn = int (*)(int n, double* a, double* w);
using RlCholeskyFn = int (*)(int n, double* a);
int rl_sdpa_solve(const RlSdpProblem* problem, double* x);
int rl_lapack_eigenvalues(int n, double* a, double* w);
int rl_lapack_cholesky_upper(int n, double* a);
}
