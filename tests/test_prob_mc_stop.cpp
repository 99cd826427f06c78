// Stopped Monte Carlo runs (prob/mc_stop.hpp) in the engines: a stop seen
// before sampling still draws the first block of every stage, the blocks used
// are a prefix of the planned ones, so a stopped run gives exactly the counts
// and intervals of a run planned with the samples it drew, and the status
// says why it stopped.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "prob/concentration_mc.hpp"
#include "prob/distribution_sampler.hpp"
#include "prob/measure_samples.hpp"
#include "prob/mgf_monte_carlo.hpp"
#include "prob/proof_events.hpp"
#include "prob/sampler.hpp"

using namespace rl;

namespace {

McStop raised(const std::atomic<bool>& flag) {
  McStop s;
  s.flag = &flag;
  return s;
}

// Events on the sphere in R^d with h = x_1, stopped by `flag`.
EventsSetup sphere_events(std::size_t d, std::uint64_t n, std::uint64_t trials, const std::atomic<bool>& flag) {
  EventsSetup s;
  s.measure = measure_parse("sphere", d, "test");
  s.h = test_function_parse("coordinate", d, "test");
  s.n = n;
  s.trials = trials;
  s.stop = raised(flag);
  return s;
}

}  // namespace

TEST_CASE("prob mc stop: requested and status follow the flag and the clock") {
  std::atomic<bool> flag{false};
  McStop s = raised(flag);
  CHECK_FALSE(mc_stop_requested(s));
  CHECK(mc_stop_status(s, 10, 10) == McStatus::Complete);
  flag = true;
  CHECK(mc_stop_requested(s));
  CHECK(mc_stop_status(s, 5, 10) == McStatus::Interrupted);
  McStop clock;
  clock.time_limit_seconds = 0;
  CHECK(mc_stop_requested(clock));
  CHECK(mc_stop_status(clock, 5, 10) == McStatus::TimeLimit);
  CHECK_FALSE(mc_stop_requested(McStop{}));
  CHECK(mc_status_name(McStatus::Complete) == "complete");
  CHECK(mc_status_name(McStatus::Interrupted) == "interrupted");
  CHECK(mc_status_name(McStatus::TimeLimit) == "time-limit");
}

TEST_CASE("prob mc stop: a stopped concentration run equals the run planned with the samples it drew") {
  // The cube is not symmetric: both batches run, each stopped after its first block.
  const Measure m = measure_parse("mixture:1/2*cube+1/2*sphere", 12, "test");
  const TestFunction phi = test_function_parse("norm", 12, "test");
  ConcentrationBound b;
  b.c = constant_parse("1", "test");
  b.d = 12;
  const std::vector<Rational> grid{Rational(1, 20), Rational(1, 10), Rational(1, 5)};
  std::atomic<bool> flag{true};
  McOptions stopped;
  stopped.samples = 50 * kSamplerBlock;
  stopped.threads = 2;
  stopped.stop = raised(flag);
  McResult r = concentration_check_mc(m, phi, b, grid, stopped);
  CHECK(r.status == McStatus::Interrupted);
  CHECK(r.samples_planned == 4 * 25 * kSamplerBlock);  // two batches, two components, w n each
  // Every component got exactly its first block in each batch (a prefix).
  CHECK(r.samples_drawn == 4 * kSamplerBlock);
  McOptions planned;
  planned.samples = 2 * kSamplerBlock;  // w_i n = one block per component and batch
  planned.threads = 1;
  McResult full = concentration_check_mc(m, phi, b, grid, planned);
  CHECK(full.status == McStatus::Complete);
  CHECK(full.samples_drawn == r.samples_drawn);
  CHECK(full.mean_lower == r.mean_lower);
  CHECK(full.mean_upper == r.mean_upper);
  REQUIRE(full.points.size() == r.points.size());
  for (std::size_t k = 0; k < grid.size(); ++k) {
    CHECK(full.points[k].count_inner == r.points[k].count_inner);
    CHECK(full.points[k].count_outer == r.points[k].count_outer);
    CHECK(full.points[k].lower == r.points[k].lower);
    CHECK(full.points[k].upper == r.points[k].upper);
  }
}

TEST_CASE("prob mc stop: MGF sums and the samplers stop at a block boundary") {
  std::atomic<bool> flag{true};
  const Distribution u = distribution_parse("uniform", "test");
  // The samplers keep their first block.
  CHECK(distribution_draw(u, 10 * kSamplerBlock, 1, 3, "test", raised(flag)).size() == kSamplerBlock);
  const Measure sphere = measure_parse("sphere", 5, "test");
  const TestFunction x1 = test_function_parse("coordinate", 5, "test");
  std::vector<DInterval> drawn = measure_function_samples(sphere, x1, 3 * kSamplerBlock + 5, 2, 3, raised(flag));
  REQUIRE(drawn.size() == kSamplerBlock);
  const std::vector<DInterval> full = measure_function_samples(sphere, x1, kSamplerBlock, 2, 3);
  for (std::size_t i = 0; i < full.size(); ++i) CHECK((drawn[i].lo == full[i].lo && drawn[i].hi == full[i].hi));
  // The MGF sums keep their first 4096 samples, and equal a run on those samples.
  MgfMcOptions o;
  o.a = -2;
  o.b = 2;
  o.stop = raised(flag);
  MgfMcResult r = mgf_monte_carlo(drawn, o, "test");
  CHECK(r.status == McStatus::Interrupted);
  CHECK(r.samples == 4096);
  CHECK(r.samples_planned == drawn.size());
  MgfMcOptions unstopped = o;
  unstopped.stop = McStop{};
  MgfMcResult prefix = mgf_monte_carlo(std::vector<DInterval>(drawn.begin(), drawn.begin() + 4096), unstopped, "test");
  CHECK(prefix.status == McStatus::Complete);
  REQUIRE(prefix.points.size() == r.points.size());
  for (std::size_t j = 0; j < r.points.size(); ++j) {
    CHECK(prefix.points[j].lower == r.points[j].lower);
    CHECK(prefix.points[j].upper == r.points[j].upper);
  }
}

TEST_CASE("prob mc stop: a stopped events run keeps its whole data sets only") {
  std::atomic<bool> flag{true};
  EventsSetup s = sphere_events(6, 50, 500, flag);
  std::vector<EventEstimate> stopped = proof_events_simulate(s);
  REQUIRE(stopped.size() == 4);
  for (const auto& e : stopped) {
    CHECK(e.trials == 0);
    CHECK(e.failures == 0);
    CHECK(e.lower == 0);
    CHECK(e.upper == 1);
    // [0, 1] proves only a vacuous bound (D's twice-Hoeffding can exceed 1).
    CHECK(e.verdict == (e.hoeffding && *e.hoeffding >= 1 ? Verdict::Holds : Verdict::Inconclusive));
  }
  // Stopped mid-run: the whole data sets kept are those a run planned with
  // that many draws (each data set has its own stream), count for count.
  std::atomic<bool> later{false};
  EventsSetup mid = sphere_events(6, 2000, 1000000, later);
  mid.epsilon = Rational(1, 10);  // eps' = 1/100: D fails in about 4 data sets of 10
  std::thread raiser([&later] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    later = true;
  });
  const std::vector<EventEstimate> cut = proof_events_simulate(mid);
  raiser.join();
  const std::uint64_t kept = cut.front().trials;
  INFO("data sets kept: " << kept);
  REQUIRE(kept >= 10);
  REQUIRE(kept < 1000000);
  mid.stop = McStop{};
  mid.trials = kept;
  const std::vector<EventEstimate> planned = proof_events_simulate(mid);
  for (int e = 0; e < 4; ++e) {
    CHECK(cut[e].trials == kept);
    CHECK(planned[e].failures == cut[e].failures);
    CHECK(planned[e].lower == cut[e].lower);
    CHECK(planned[e].upper == cut[e].upper);
  }
  CHECK(cut[3].failures > 0);
}

// One data set of 10^12 points would take days: the stop raised while it is
// drawn must end it (before, a stop was seen only between data sets).
TEST_CASE("prob mc stop: events see a stop inside a data set") {
  std::atomic<bool> flag{false};
  EventsSetup s = sphere_events(1000, 1000000000000, 10, flag);
  std::thread raiser([&flag] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    flag = true;
  });
  std::vector<EventEstimate> stopped = proof_events_simulate(s);
  raiser.join();
  for (const auto& e : stopped) CHECK(e.trials == 0);
}

// In high dimension a block of 2^14 samples was the first stop point: at
// d = 10^6 that block alone ran over 40 s past a 3 s limit. A block now draws
// at most 2^24 coordinates.
TEST_CASE("prob mc stop: in high dimension the blocks are smaller and a stop keeps the first") {
  CHECK(sampler_block_size(1) == kSamplerBlock);
  CHECK(sampler_block_size(1024) == kSamplerBlock);
  CHECK(sampler_block_size(1025) == (std::uint64_t(1) << 24) / 1025);
  CHECK(sampler_block_size(std::size_t(1) << 20) == 16);
  CHECK(sampler_block_size(std::size_t(1) << 30) == 1);
  const std::size_t d = std::size_t(1) << 18;  // 64 samples a block
  const Measure sphere = measure_parse("sphere", d, "test");
  const TestFunction x1 = test_function_parse("coordinate", d, "test");
  std::atomic<bool> flag{true};
  const std::vector<DInterval> drawn = measure_function_samples(sphere, x1, 1000, 2, 3, raised(flag));
  REQUIRE(drawn.size() == 64);
  // The prefix of the unstopped run, sample for sample.
  const std::vector<DInterval> full = measure_function_samples(sphere, x1, 200, 2, 3);
  for (std::size_t i = 0; i < drawn.size(); ++i) CHECK((drawn[i].lo == full[i].lo && drawn[i].hi == full[i].hi));
  // A concentration run stopped at once draws one block per batch (x_1 is odd on the sphere: no mean batch).
  ConcentrationBound b;
  b.c = constant_parse("1", "test");
  b.d = d;
  McOptions o;
  o.samples = 100000;
  o.threads = 1;  // with 2, both workers may take a block before either sees the stop
  o.stop = raised(flag);
  const McResult r = concentration_check_mc(sphere, x1, b, {Rational(1, 100)}, o);
  CHECK(r.status == McStatus::Interrupted);
  CHECK(r.samples_drawn == 64);
}
