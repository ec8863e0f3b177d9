#include "modules/reverse_proxy/random_draw.hpp"

#include <random>

namespace proxflow {
namespace {

std::mt19937_64& generator() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return rng;
}

} // namespace

std::uint64_t random_below(std::uint64_t n) { return n ? generator()() % n : 0; }

double random_unit() { return std::uniform_real_distribution<double>(0, 1)(generator()); }

} // namespace proxflow
