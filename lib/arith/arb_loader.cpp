// The Arb functions the project calls, defined here as forwarders to
// libflint-arb, which is opened with dlopen on the first call instead of
// being linked.
//
// Why: FLINT, Arb and NTL are built with immediate binding, so linking them
// costs every run about 9 500 symbol lookups at start (about 1.6 ms, a tenth
// of an easy Lipschitz run), while only the probability checks call Arb.
//
// Contract: each function below has the signature arb.h or arb_hypgeom.h
// declares (the compiler checks it) and calls the library's function of the
// same name with the same arguments. A failed load throws
// std::runtime_error naming the library; arb_clear before any load is a no-op,
// since arb_init (inline) allocates nothing. A missing function in the
// library is a load failure too.
#include <arb.h>
#include <arb_hypgeom.h>
#include <dlfcn.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>

namespace {

std::atomic<void*> loaded{nullptr};

void* arb_library() {
  static std::once_flag once;
  static std::string failure;
  std::call_once(once, [] {
    if (void* handle = dlopen(ROBUSTLAW_ARB_LIBRARY, RTLD_NOW | RTLD_LOCAL)) loaded = handle;
    else failure = dlerror();
  });
  if (!loaded) throw std::runtime_error(std::string("cannot load the Arb library ") + ROBUSTLAW_ARB_LIBRARY + ": " + failure);
  return loaded;
}

template <typename Fn>
Fn arb_function(const char* name) {
  void* symbol = dlsym(arb_library(), name);
  if (!symbol) throw std::runtime_error(std::string("the Arb library ") + ROBUSTLAW_ARB_LIBRARY + " has no " + name);
  return reinterpret_cast<Fn>(symbol);
}

}  // namespace

// The library's function `name`, resolved once (its type from the header's declaration).
#define RL_ARB(name) static const auto real = arb_function<decltype(&::name)>(#name)

void arb_clear(arb_t x) {
  if (!loaded) return;
  RL_ARB(arb_clear);
  real(x);
}
int arb_is_finite(const arb_t x) { RL_ARB(arb_is_finite); return real(x); }
void arb_set_d(arb_t z, double x) { RL_ARB(arb_set_d); real(z, x); }
void arb_set_ui(arb_t z, ulong x) { RL_ARB(arb_set_ui); real(z, x); }
void arb_set_interval_mpfr(arb_t x, const mpfr_t a, const mpfr_t b, slong prec) { RL_ARB(arb_set_interval_mpfr); real(x, a, b, prec); }
void arb_get_interval_mpfr(mpfr_t a, mpfr_t b, const arb_t x) { RL_ARB(arb_get_interval_mpfr); real(a, b, x); }
void arb_add_ui(arb_t z, const arb_t x, ulong y, slong prec) { RL_ARB(arb_add_ui); real(z, x, y, prec); }
void arb_sub(arb_t z, const arb_t x, const arb_t y, slong prec) { RL_ARB(arb_sub); real(z, x, y, prec); }
void arb_mul(arb_t z, const arb_t x, const arb_t y, slong prec) { RL_ARB(arb_mul); real(z, x, y, prec); }
void arb_mul_2exp_si(arb_t y, const arb_t x, slong e) { RL_ARB(arb_mul_2exp_si); real(y, x, e); }
void arb_div(arb_t z, const arb_t x, const arb_t y, slong prec) { RL_ARB(arb_div); real(z, x, y, prec); }
void arb_sqrt(arb_t z, const arb_t x, slong prec) { RL_ARB(arb_sqrt); real(z, x, prec); }
void arb_exp(arb_t z, const arb_t x, slong prec) { RL_ARB(arb_exp); real(z, x, prec); }
void arb_log(arb_t z, const arb_t x, slong prec) { RL_ARB(arb_log); real(z, x, prec); }
void arb_cosh(arb_t z, const arb_t x, slong prec) { RL_ARB(arb_cosh); real(z, x, prec); }
void arb_sinh(arb_t z, const arb_t x, slong prec) { RL_ARB(arb_sinh); real(z, x, prec); }
void arb_hypgeom_erfc(arb_t res, const arb_t z, slong prec) { RL_ARB(arb_hypgeom_erfc); real(res, z, prec); }
void arb_hypgeom_beta_lower(arb_t res, const arb_t a, const arb_t b, const arb_t z, int regularized, slong prec) {
  RL_ARB(arb_hypgeom_beta_lower);
  real(res, a, b, z, regularized, prec);
}
