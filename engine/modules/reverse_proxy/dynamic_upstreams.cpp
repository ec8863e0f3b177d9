#include "modules/reverse_proxy/dynamic_upstreams.hpp"

#include "http/request_context.hpp"

namespace proxflow {
namespace {

std::string join_host_port(const std::string& host, const std::string& port) {
    return host.find(':') != std::string::npos ? "[" + host + "]:" + port : host + ":" + port;
}

} // namespace

DynamicUpstreams::DynamicUpstreams(UsagePool& hosts, Configure configure)
    : hosts_(hosts), configure_(std::move(configure)), lookups_(std::make_unique<asio::thread_pool>(1)) {}

DynamicUpstreams::~DynamicUpstreams() { lookups_->join(); }

std::unique_ptr<DynamicUpstreams> DynamicUpstreams::from_json(const json& value, const std::string& path,
                                                              UsagePool& hosts, Configure configure) {
    ObjectReader r(value, path);
    std::unique_ptr<DynamicUpstreams> d(new DynamicUpstreams(hosts, std::move(configure)));
    const std::string source = r.string("source");
    if (source == "srv") {
        d->srv_ = true;
        d->service_ = Template(r.string("service"));
        d->proto_ = Template(r.string("proto"));
    } else if (source == "a") {
        const std::string port = r.string("port", "80");
        d->port_ = Template(port.empty() ? "80" : port);
    } else if (source == "multi") {
        throw ConfigError(r.path_of("source"), "dynamic upstreams source \"multi\" is not supported by ProxFlow yet");
    } else {
        throw ConfigError(r.path_of("source"), "unknown dynamic upstreams source \"" + source + "\" (a or srv)");
    }
    d->name_ = Template(r.string("name"));
    if (d->name_.text().empty()) throw ConfigError(r.path_of("name"), "a dynamic upstreams source needs a name");
    const auto refresh = r.duration("refresh");
    if (refresh.count() > 0) d->refresh_ = refresh;
    if (const json* resolver = r.take("resolver")) d->dns_ = dns_servers_from_json(*resolver, r.path_of("resolver"));
    // dial_timeout bounds each question to the resolvers.
    d->dns_.timeout = r.duration("dial_timeout");
    // Caddy races address families with it when dialling a resolver given by name; resolvers here
    // are IP addresses over UDP, so it could do nothing and is refused rather than ignored.
    if (r.has("dial_fallback_delay"))
        throw ConfigError(r.path_of("dial_fallback_delay"),
                          "dial_fallback_delay of dynamic upstreams is not supported by ProxFlow: it races address families when "
                          "dialling a resolver by name, and resolvers here are IP addresses; remove it (the transport's "
                          "dial_fallback_delay applies to upstream addresses)");
    r.finish();
    return d;
}

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
