// librobustlaw_sdpa.so: the contract is in sdpa_plugin.hpp.
#include "lipschitz/sdpa_plugin.hpp"

#include <sdpa_call.h>

#include <algorithm>
#include <vector>

extern "C" {
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, std::size_t uplo_len);
void dsyev_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w, double* work,
            const int* lwork, int* info, std::size_t jobz_len, std::size_t uplo_len);
}

extern "C" int rl_sdpa_solve(const RlSdpProblem* problem, double* x) {
  try {
    SDPA sdpa;
    sdpa.setDisplay(nullptr);
    sdpa.setParameterType(SDPA::PARAMETER_DEFAULT);
    // The initial point lambda* I: the default 100 is far from the scaled
    // unknowns (about 1e-5 on ACAS Xu), and SDPA then stalled at pdFEAS on
    // boxes with stable neurons (ACAS Xu 1_1 on [-0.01, 0.01]^5, normalized:
    // sqrt(rho) 4.9e5 after 100 iterations; with lambda* = 1, pdOPT at 7 305
    // in 1.1 s). Every bench network and ACAS Xu box measured reaches pdOPT with it.
    sdpa.setParameterLambdaStar(1.0);
    sdpa.inputConstraintNumber(problem->constraints);
    sdpa.inputBlockNumber(problem->lp_size > 0 ? 2 : 1);
    sdpa.inputBlockSize(1, problem->sdp_size);
    sdpa.inputBlockType(1, SDPA::SDP);
    if (problem->lp_size > 0) {
      sdpa.inputBlockSize(2, problem->lp_size);
      sdpa.inputBlockType(2, SDPA::LP);
    }
    sdpa.initializeUpperTriangleSpace();
    for (int k = 0; k < problem->constraints; ++k) sdpa.inputCVec(k + 1, problem->c[k]);
    for (std::size_t e = 0; e < problem->entry_count; ++e) {
      const RlSdpEntry& en = problem->entries[e];
      sdpa.inputElement(en.matrix, en.block, en.row, en.col, en.value);
    }
    sdpa.initializeUpperTriangle();
    sdpa.initializeSolve();
    sdpa.solve();
    const double* result = sdpa.getResultXVec();
    for (int k = 0; k < problem->constraints; ++k) x[k] = result[k];
    const int phase = static_cast<int>(sdpa.getPhaseValue());
    sdpa.terminate();
    return phase;
  } catch (...) {
    return -1;
  }
}

extern "C" int rl_lapack_eigenvalues(int n, double* a, double* w) {
  int lwork = -1, info = 0;
  double query = 0;
  dsyev_("N", "U", &n, a, &n, w, &query, &lwork, &info, 1, 1);
  if (info != 0) return info;
  lwork = static_cast<int>(query);
  std::vector<double> work(static_cast<std::size_t>(std::max(1, lwork)));
  dsyev_("N", "U", &n, a, &n, w, work.data(), &lwork, &info, 1, 1);
  return info;
}

extern "C" int rl_lapack_cholesky_upper(int n, double* a) {
  int info = 0;
  dpotrf_("U", &n, a, &n, &info, 1);
  return info;
}
