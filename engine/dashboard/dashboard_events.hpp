#pragma once
#include "metrics/snapshot.hpp"

#include <string>

namespace proxflow {

// The Server-Sent Events the web dashboard reads, one JSON object per event.
// "tick": the live numbers (totals, last-second rates, last-10-second percentiles, countries).
// "point": one second of the 5-minute history, sent on connect and to fill a reconnect's gap.
// Each event's id is its unix millisecond (ticks) or second * 1000 (points), so a reconnecting
// EventSource's Last-Event-ID tells which history points it missed.
std::string tick_event(const metrics::Snapshot& snap);
std::string point_event(const metrics::SeriesPoint& point);

} // namespace proxflow
