#pragma once
#include "metrics/snapshot.hpp"

#include <string>

namespace proxflow {

// The Server-Sent Events the web dashboard reads, one JSON object per event.
// "tick": the live numbers (totals, last-second rates, last-10-second percentiles, requests the
// rate limits turned away so far, countries).
// "point": one second of the 5-minute history, sent on connect and to fill a reconnect's gap.
// Every event's id is second * 1000 of the newest point the client has been sent (a point's own
// second; for a tick, the last point before it), so a reconnecting EventSource's Last-Event-ID says
// exactly which points it has: a tick sent during second S says S-1, since point S is not complete.
std::string tick_event(const metrics::Snapshot& snap, std::int64_t history_through_second);
std::string point_event(const metrics::SeriesPoint& point);

} // namespace proxflow
