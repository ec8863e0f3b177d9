#pragma once
#include "metrics/snapshot.hpp"

#include <string>

namespace proxflow::metrics {

// The Prometheus text exposition format (version 0.0.4) of a snapshot, with Caddy's metric
// families under the proxflow_ prefix (docs/observability.md lists them).
std::string render_prometheus(const Snapshot& snap);

} // namespace proxflow::metrics
