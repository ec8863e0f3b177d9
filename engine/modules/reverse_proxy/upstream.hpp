#pragma once
#include "http/beast.hpp"
#include "metrics/request_counters.hpp"
#include "metrics/thread_shards.hpp"
#include "module/usage_pool.hpp"
#include "modules/reverse_proxy/circuit_breaker.hpp"
#include "modules/reverse_proxy/load_history.hpp"
#include "routing/placeholder.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace proxflow {

// The live state of one backend address, shared by every handler and config that dials it, so
// counts and health survive config reloads (as Caddy's global upstream pool).
struct UpstreamHost {
    explicit UpstreamHost(std::string dial) : dial(std::move(dial)) {}
    const std::string dial;
    std::atomic<int> active_requests{0};
    std::atomic<int> fails{0};
    std::atomic<bool> active_unhealthy{false};
    // The passive limits of the config built last that dials this address (0: off), so status reports
    // (admin API, console) give the health its requests see, not the active check's alone.
    std::atomic<int> max_fails{0};
    std::atomic<int> unhealthy_request_count{0};
    bool healthy() const {
        if (active_unhealthy.load(std::memory_order_relaxed)) return false;
        const int limit = max_fails.load(std::memory_order_relaxed);
        if (limit > 0 && fails.load(std::memory_order_relaxed) >= limit) return false;
        const int busy = unhealthy_request_count.load(std::memory_order_relaxed);
        return !(busy > 0 && active_requests.load(std::memory_order_relaxed) >= busy);
    }
    // Responses (status class, time from sending the request to the response header) and failed
    // attempts, one shard per recording thread; only counted while traffic metrics are on.
    metrics::ThreadShards<metrics::UpstreamCounters> counters;
    CircuitState circuit; // only moves when a circuit_breaker watches this upstream
    LoadHistory load;     // only fed when an adaptive policy balances it
};

// One entry of a reverse_proxy's `upstreams`, with the limits its handler's health policy sets.
struct Upstream {
    std::shared_ptr<UpstreamHost> host;
    std::string dial;
    std::string hostname;  // dial without the port
    std::string port;
    std::optional<tcp::endpoint> endpoint; // set when the dial host is a literal IP
    int max_requests = 0;
    int max_fails = 0;                // 0: passive checks off
    int unhealthy_request_count = 0;  // 0: off
    // A dial with placeholders ("{upstream}:80") is resolved per request (Caddy's replaceable
    // upstreams); its counters and health are shared by every address it resolves to, as in Caddy.
    std::optional<Template> dial_template;
    std::shared_ptr<const CircuitBreaker> breaker; // the handler's circuit_breaker; null: none
    std::shared_ptr<const void> watching;           // counts this upstream among its host's watchers

    bool healthy() const {
        if (host->active_unhealthy.load(std::memory_order_relaxed)) return false;
        if (max_fails > 0 && host->fails.load(std::memory_order_relaxed) >= max_fails) return false;
        if (unhealthy_request_count > 0 && host->active_requests.load(std::memory_order_relaxed) >= unhealthy_request_count)
            return false;
        return true;
    }
    bool full() const { return max_requests > 0 && host->active_requests.load(std::memory_order_relaxed) >= max_requests; }
    // The circuit is asked last: a ramping-up circuit's answer is a draw that should only be spent
    // on an upstream that is otherwise fit.
    bool available() const { return healthy() && !full() && (!breaker || breaker->selectable(*host)); }
    // Makes this upstream's limits the ones its host's status reports.
    void publish_limits() const {
        host->max_fails.store(max_fails, std::memory_order_relaxed);
        host->unhealthy_request_count.store(unhealthy_request_count, std::memory_order_relaxed);
    }

    // Counts this upstream (and every copy of it) among its host's watchers while it lives, for the
    // circuit and the load history as asked: status reports show what some running config watches.
    void watch(bool circuit, bool load);

    // Parses "host:port" as Caddy's dial field; throws ConfigError naming path. The host's live state
    // comes from state, keyed by dial, so it outlives reloads.
    static Upstream from_dial(const std::string& dial, const std::string& path, UsagePool& state);
    // This upstream with its dial template rendered for one request; nullopt (and why) when the
    // result is not a valid address.
    std::optional<Upstream> resolved(const RequestContext& ctx, std::string& error) const;

private:
    // Fills hostname, port and endpoint from dial; returns an error message, empty when valid.
    std::string parse_dial();
};

} // namespace proxflow
