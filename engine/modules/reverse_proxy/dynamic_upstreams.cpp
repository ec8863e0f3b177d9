#include "modules/reverse_proxy/dynamic_upstreams.hpp"

#include "http/request_context.hpp"

namespace proxflow {
namespace {

std::string join_host_port(const std::string& host, const std::string& port) {
    return host.find(':') != std::string::npos ? "[" + host + "]:" + port : host + ":" + port;
}

} // namespace

DynamicUpstreams::DynamicUpstreams(const DynamicUpstreamsConfig& config, UsagePool& hosts, Configure configure)
    : srv_(config.source == "srv"), name_(config.name), port_(config.port.empty() ? "80" : config.port), service_(config.service),
      proto_(config.proto), hosts_(hosts), configure_(std::move(configure)), lookups_(std::make_unique<asio::thread_pool>(1)) {
    if (config.refresh.count() > 0) refresh_ = config.refresh;
    if (config.resolver) dns_.servers = config.resolver->servers();
    dns_.timeout = config.dial_timeout;
}

DynamicUpstreams::~DynamicUpstreams() { lookups_->join(); }

DynamicUpstreams::List DynamicUpstreams::lookup(const std::string& name, const std::string& port) const {
    std::string error;
    auto list = std::make_shared<std::vector<Upstream>>();
    std::vector<std::string> dials;
    if (srv_) {
        const auto records = lookup_srv(name, dns_, error);
        if (records.empty() && !error.empty()) return nullptr;
        for (const auto& rec : records) dials.push_back(join_host_port(rec.target, std::to_string(rec.port)));
    } else {
        const auto addresses = lookup_addresses(name, dns_, error);
        if (addresses.empty() && !error.empty()) return nullptr;
        for (const auto& ip : addresses) dials.push_back(join_host_port(ip.to_string(), port));
    }
    for (const auto& dial : dials) {
        try {
            Upstream up = Upstream::from_dial(dial, "dynamic_upstreams", hosts_);
            configure_(up);
            list->push_back(std::move(up));
        } catch (const ConfigError&) {
            // A record that makes no dial address (a bad port template) is no upstream.
        }
    }
    return list;
}

awaitable<DynamicUpstreams::List> DynamicUpstreams::lookup_there(std::string name, std::string port) const {
    co_return lookup(name, port);
}

awaitable<DynamicUpstreams::List> DynamicUpstreams::get(RequestContext& ctx) {
    const std::string name = name_.render(ctx);
    std::string key, port;
    if (srv_) {
        const std::string service = service_.render(ctx), proto = proto_.render(ctx);
        // As Caddy: with neither service nor proto, the name is the whole SRV name.
        key = service.empty() && proto.empty() ? name : "_" + service + "._" + proto + "." + name;
    } else {
        port = port_.render(ctx);
        key = join_host_port(name, port);
    }
    const auto now = std::chrono::steady_clock::now();
    List stale;
    {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(key); it != cache_.end()) {
            if (now - it->second.fetched < refresh_) co_return it->second.upstreams;
            stale = it->second.upstreams;
        }
        // One lookup per name at a time; meanwhile the stale answer serves.
        if (stale && refreshing_.contains(key)) co_return stale;
        refreshing_.insert(key);
    }
    const std::string question = srv_ ? key : name;
    auto [exception, fresh] = co_await asio::co_spawn(lookups_->get_executor(), lookup_there(question, port), use_nothrow);
    std::lock_guard lock(mutex_);
    refreshing_.erase(key);
    if (exception || !fresh) co_return nullptr;
    // Bounded as Caddy's cache: past 100 names, one goes.
    if (!cache_.contains(key) && cache_.size() >= 100) cache_.erase(cache_.begin());
    cache_[key] = Entry{std::chrono::steady_clock::now(), fresh};
    co_return fresh;
}

} // namespace proxflow
