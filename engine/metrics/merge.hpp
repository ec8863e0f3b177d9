#pragma once
#include "metrics/snapshot.hpp"
#include "metrics/thread_metrics.hpp"

#include <vector>

namespace proxflow::metrics {

// Merges the threads' counters into the global part of a Snapshot (totals, windows, series,
// countries) as of now_unix_second; per-server and per-upstream parts are the caller's.
void merge_threads(const std::vector<const ThreadMetrics*>& threads, std::int64_t now_unix_second, Snapshot& out);

// "US" -> slot, "local"/"unknown" -> their slots; and back.
int country_slot(std::string_view code);
std::string country_code(int slot);

} // namespace proxflow::metrics
