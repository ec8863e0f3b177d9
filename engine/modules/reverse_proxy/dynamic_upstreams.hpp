#pragma once
#include "modules/reverse_proxy/dns_lookup.hpp"
#include "modules/reverse_proxy/dynamic_upstreams_config.hpp"
#include "modules/reverse_proxy/upstream.hpp"
#include "routing/placeholder.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace proxflow {

struct RequestContext;

// reverse_proxy's `dynamic_upstreams`: upstreams found in DNS when requests come (Caddy's `a` and
// `srv` sources), each answer kept for `refresh` (default 1m) under its rendered name. Lookups run
// on this source's own thread, so a slow resolver holds up only the requests that wait for it.
class DynamicUpstreams {
public:
    using Configure = std::function<void(Upstream&)>; // the handler's limits for each new upstream
    using List = std::shared_ptr<const std::vector<Upstream>>;

    DynamicUpstreams(const DynamicUpstreamsConfig& config, UsagePool& hosts, Configure configure);
    ~DynamicUpstreams();

    // The upstreams for this request, or null when the lookup failed (Caddy then falls back to the
    // static upstreams).
    awaitable<List> get(RequestContext& ctx);

private:
    List lookup(const std::string& name, const std::string& port) const;
    // lookup() as a coroutine for the lookup thread (its arguments live in its own frame).
    awaitable<List> lookup_there(std::string name, std::string port) const;

    struct Entry {
        std::chrono::steady_clock::time_point fetched;
        List upstreams;
    };
    bool srv_ = false;
    Template name_, port_, service_, proto_;
    std::chrono::nanoseconds refresh_{std::chrono::minutes(1)};
    DnsServers dns_;
    UsagePool& hosts_;
    Configure configure_;
    std::unique_ptr<asio::thread_pool> lookups_;

    std::mutex mutex_;
    std::map<std::string, Entry> cache_;
    std::set<std::string> refreshing_;
};

} // namespace proxflow
