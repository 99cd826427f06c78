// Exact rationals (GMP through Boost.Multiprecision) and exact conversions.
//
// Semantics: every function here is exact. A decimal string, a fraction "a/b",
// a float32 or a float64 maps to precisely the rational it denotes; anything
// that denotes no rational (NaN, infinity, malformed text) raises InputError.
#pragma once
#include <boost/multiprecision/gmp.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rl {

using Rational = boost::multiprecision::number<boost::multiprecision::gmp_rational,
                                               boost::multiprecision::et_off>;
using Integer = boost::multiprecision::number<boost::multiprecision::gmp_int,
                                              boost::multiprecision::et_off>;

// Parses "-12", "0.125", "5.40062e-02", "+1E3" or "-3/7" exactly.
// `where` prefixes the error message (file:line, option name, ...).
Rational rational_parse(std::string_view text, const std::string& where = "number");

// Parses a comma-separated list of rationals ("0.5,-1/3,2e-3").
std::vector<Rational> rational_parse_list(std::string_view text, const std::string& where);

// The exact dyadic value of a finite double / float; NaN and infinities throw.
Rational rational_from_double(double x);
Rational rational_from_float(float x);

// "p/q" in lowest terms, or "p" when the denominator is 1.
std::string rational_to_string(const Rational& q);

// The double nearest to q (ties to even). For untrusted searches only.
double rational_to_double(const Rational& q);

// 2^e exactly, for any integer e.
Rational rational_pow2(long e);
// 10^e exactly, for any integer e.
Rational rational_pow10(long e);

Integer rational_floor(const Rational& q);
Integer rational_ceil(const Rational& q);

Rational rational_abs(const Rational& q);

// |q| <= the largest finite double: q converts to a double interval with
// finite ends (the searches' float bounds need them).
bool rational_in_double_range(const Rational& q);

// The rationals *qs[i] as integers over one denominator: returns the least
// common denominator d > 0 and sets numerators[i] = *qs[i] * d.
Integer rational_common_denominator(const std::vector<const Rational*>& qs, std::vector<Integer>& numerators);

// The GMP integer inside v, for the mpz_* calls Boost does not wrap (mpz_addmul).
inline mpz_ptr integer_mpz(Integer& v) { return v.backend().data(); }
inline mpz_srcptr integer_mpz(const Integer& v) { return v.backend().data(); }

}  // namespace rl
