#pragma once
#include "metrics/snapshot.hpp"
#include "metrics/thread_metrics.hpp"

#include <vector>

namespace proxflow::metrics {

// Merges the threads' counters into the global part of a Snapshot (totals, windows, series,
// countries) as of now_unix_second; per-server and per-upstream parts are the caller's.
// With with_series false only the last 10 s are merged (series holds 10 points; last_1m and
// last_5m stay empty):
// what a once-a-second live view needs, at a thirtieth of the cost.
void merge_threads(const std::vector<const ThreadMetrics*>& threads, std::int64_t now_unix_second, Snapshot& out,
                   bool with_series = true);

// "US" -> slot, "local"/"unknown" -> their slots; and back.
int country_slot(std::string_view code);
std::string country_code(int slot);

} // namespace proxflow::metrics
