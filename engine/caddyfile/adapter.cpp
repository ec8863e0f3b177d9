// Caddyfile -> native JSON, the way Caddy 2.6's httpcaddyfile server type builds it: site blocks are
// mapped to listener addresses, blocks sharing listeners become one server (srv0, srv1, ... by
// sorted address), sites are sorted by specificity, and each site's directives become a subroute
// behind its host matcher.
#include "caddyfile/adapter.hpp"

#include "caddyfile/directives.hpp"
#include "caddyfile/global_options.hpp"
#include "caddyfile/lexer.hpp"
#include "caddyfile/log_directive.hpp"
#include "caddyfile/parser.hpp"
#include "caddyfile/shorthand_placeholders.hpp"
#include "caddyfile/site_address.hpp"
#include "caddyfile/tls_app.hpp"
#include "http/beast.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

namespace proxflow::caddyfile {
namespace {

// A site block with what its directives produced, as it appears on one listener.
struct Site {
    std::vector<SiteAddress> keys;
    std::vector<std::string> key_texts;
    std::shared_ptr<std::map<std::string, std::vector<ConfigValue>>> pile; // class -> values, shared across listeners
    Token where; // the block's first key
};

const std::vector<ConfigValue>& custom_logs(const Site& site) {
    static const std::vector<ConfigValue> none;
    auto it = site.pile->find("custom_log");
    return it == site.pile->end() ? none : it->second;
}

bool has_hostless_key(const Site& site) {
    return std::any_of(site.keys.begin(), site.keys.end(), [](const SiteAddress& a) { return a.host.empty(); });
}

// server.logs for the sites of one server, as Caddy's serversFromPairings fills it; null when no
// site of the server has a log.
json server_logs(const std::vector<std::size_t>& server_sites, const std::vector<Site>& sites) {
    const auto has_log = [&](std::size_t s) { return !custom_logs(sites[s]).empty(); };
    if (std::none_of(server_sites.begin(), server_sites.end(), has_log)) return nullptr;
    json logs = json::object();
    for (std::size_t s : server_sites) {
        const Site& site = sites[s];
        for (const auto& log : custom_logs(site)) {
            const std::string name = log.value["name"];
            if (has_hostless_key(site)) {
                if (!name.empty()) logs["default_logger_name"] = name;
            } else {
                for (const auto& h : log_hosts(site.keys)) logs["logger_names"][h] = name;
            }
        }
        if (custom_logs(site).empty()) {
            // A site without a log on a server with logs is left out of them.
            if (has_hostless_key(site)) logs["skip_unmapped_hosts"] = true;
            for (const auto& h : log_hosts(site.keys)) logs["skip_hosts"].push_back(h);
        }
    }
    return logs;
}

// The logging app's logs as Caddy's ServerType.Setup gathers them: the global `log` options in file
// order, then every site's log in server order (a site on several servers counts once for each); each
// log that includes loggers has them appended to the default log's exclude list, and `debug` sets DEBUG
// on every log that names no level.
json logging_logs(const std::vector<std::size_t>& site_order, const std::vector<Site>& sites, const Options& options) {
    std::vector<std::pair<std::string, json>> custom;
    bool has_default = false;
    const auto add = [&](const std::string& name, json log) {
        if (name == "default") has_default = true;
        if (options.debug && !log.contains("level")) log["level"] = "DEBUG";
        custom.emplace_back(name, std::move(log));
    };
    for (const auto& entry : options.logs)
        if (!entry["log"].empty()) add(entry["name"], entry["log"]);
    if (!has_default && options.debug) custom.emplace_back("default", json{{"level", "DEBUG"}});
    for (std::size_t s : site_order)
        for (const auto& cv : custom_logs(sites[s]))
            if (cv.value.contains("log")) add(cv.value["name"], cv.value["log"]);
    json logs = json::object();
    for (const auto& [name, log] : custom) {
        logs[name] = log;
        if (name != "default" && !log.value("include", json::array()).empty())
            for (const auto& inc : log["include"]) logs["default"]["exclude"].push_back(inc);
    }
    return logs;
}

int specificity(const std::string& s) {
    int l = static_cast<int>(s.size()) - static_cast<int>(std::count(s.begin(), s.end(), '*'));
    std::size_t pos = 0;
    while (pos < s.size()) {
        const auto start = s.find('{', pos);
        if (start == std::string::npos) break;
        const auto end = s.find('}', start);
        if (end == std::string::npos) break;
        l -= static_cast<int>(end - start + 1);
        pos = end + 1;
    }
    return l;
}

std::string join_host_port(const std::string& host, const std::string& port) {
    return host.find(':') != std::string::npos ? "[" + host + "]:" + port : host + ":" + port;
}

// The listener addresses a site key serves on (Caddy's listenerAddrsForServerBlockKey).
std::vector<std::string> listeners_for(const SiteAddress& addr, const Token& at, const std::vector<std::string>& binds,
                                       const Options& options) {
    const std::string http_port = std::to_string(options.http()), https_port = std::to_string(options.https());
    std::string port = https_port;
    if (!addr.port.empty()) port = addr.port;
    else if (addr.scheme == "http") port = http_port;
    if ((addr.scheme == "http" && port == https_port) || (addr.scheme == "https" && port == http_port))
        throw AdaptError(at.file_name(), at.line, "[" + addr.original + "] scheme and port violate convention");
    std::vector<std::string> hosts = binds;
    if (hosts.empty()) hosts = options.default_bind;
    if (hosts.empty()) hosts = {""};
    std::set<std::string> listeners;
    for (const auto& bind : hosts) {
        std::string network, host = bind;
        if (const auto slash = bind.find('/'); slash != std::string::npos) {
            network = bind.substr(0, slash);
            host = bind.substr(slash + 1);
        }
        if (!host.empty() && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        const std::string hp = join_host_port(host, port);
        listeners.insert(network.empty() || network == "tcp" ? hp : network + "/" + hp);
    }
    return {listeners.begin(), listeners.end()};
}

// Host (and path) matchers of a site (Caddy's compileEncodedMatcherSets).
json site_matchers(const Site& site) {
    struct Pair {
        std::vector<std::string> hosts;
        std::string path;
    };
    std::vector<Pair> pairs;
    bool catch_all = false;
    for (const auto& addr : site.keys) {
        Pair* chosen = nullptr;
        for (auto& p : pairs)
            if (p.path == addr.path) chosen = &p;
        if (!chosen) {
            pairs.push_back({{}, addr.path});
            chosen = &pairs.back();
        }
        if (addr.host.empty() && !catch_all) {
            chosen->hosts.clear();
            catch_all = true;
        }
        if (catch_all) continue;
        if (!addr.host.empty() && std::find(chosen->hosts.begin(), chosen->hosts.end(), addr.host) == chosen->hosts.end())
            chosen->hosts.push_back(addr.host);
    }
    json sets = json::array();
    for (const auto& p : pairs) {
        json set = json::object();
        if (!p.hosts.empty()) set["host"] = p.hosts;
        if (!p.path.empty()) set["path"] = json::array({p.path});
        if (!set.empty()) sets.push_back(set);
    }
    return sets;
}

bool has_host_matcher(const json& routes) {
    for (const auto& r : routes)
        if (r.contains("match"))
            for (const auto& set : r["match"])
                if (set.contains("host")) return true;
    return false;
}

// Caddy's appendSubrouteToRouteList.
void append_site_routes(json& server_routes, const json& site_routes, const json& matchers, std::size_t sites_on_server) {
    if (matchers.empty() && site_routes.empty()) return;
    bool wrap = true;
    if (matchers.empty() && sites_on_server == 1) wrap = has_host_matcher(site_routes);
    if (!wrap) {
        for (const auto& r : site_routes) server_routes.push_back(r);
        return;
    }
    json route{{"terminal", true}};
    if (!matchers.empty()) route["match"] = matchers;
    if (!site_routes.empty()) route["handle"] = json::array({{{"handler", "subroute"}, {"routes", site_routes}}});
    server_routes.push_back(route);
}

// As Caddy: each server takes the options of one `servers` entry only, the first that names one of
// its listeners, longest listener address first, so the catch-all (no address) comes last.
void apply_server_options(json& servers, const Options& options) {
    std::vector<const json*> entries;
    for (const auto& entry : options.servers) entries.push_back(&entry);
    std::stable_sort(entries.begin(), entries.end(), [](const json* a, const json* b) {
        return (*a)["listener"].get<std::string>().size() > (*b)["listener"].get<std::string>().size();
    });
    for (auto it = servers.begin(); it != servers.end(); ++it) {
        const auto applies = [&](const json* entry) {
            const std::string listener = (*entry)["listener"];
            if (listener.empty()) return true;
            for (const auto& l : it.value()["listen"])
                if (l.get<std::string>() == listener) return true;
            return false;
        };
        const auto chosen = std::find_if(entries.begin(), entries.end(), applies);
        if (chosen == entries.end()) continue;
        const json& options_of_entry = (**chosen)["options"];
        for (auto opt = options_of_entry.begin(); opt != options_of_entry.end(); ++opt) {
            if (opt.key() == "logs") {
                for (auto l = opt.value().begin(); l != opt.value().end(); ++l) it.value()["logs"][l.key()] = l.value();
            } else {
                it.value()[opt.key()] = opt.value();
            }
        }
    }
}

} // namespace

json adapt(std::string_view text, const std::string& filename) {
    auto blocks = parse_blocks(tokenize(expand_environment(text), filename), filename);
    const ServerBlock* global = !blocks.empty() && blocks.front().global ? &blocks.front() : nullptr;
    const Options options = evaluate_global_options(global);

    AdaptCounters groups;
    std::vector<Site> sites;
    // listener + host + path -> the block that serves it: a second block may not claim it (Caddy
    // refuses that as ambiguous); the same key twice in one block is served once.
    std::map<std::string, const ServerBlock*> claimed;
    for (auto& block : blocks) {
        if (block.global) continue;
        if (block.keys.front().text.starts_with("@"))
            throw AdaptError(block.keys.front().file_name(), block.keys.front().line,
                             "cannot define a matcher outside of a site block: '" + block.keys.front().text + "'");
        Tokens body;
        for (auto& seg : block.segments)
            for (auto& t : seg.tokens) {
                t.text = replace_shorthands(t.text);
                body.push_back(t);
            }
        MatcherDefs matchers;
        Site site;
        site.pile = std::make_shared<std::map<std::string, std::vector<ConfigValue>>>();
        for (auto& value : parse_directives(body, matchers, groups, options)) (*site.pile)[value.klass].push_back(std::move(value));
        for (const auto& key : block.keys) {
            try {
                site.keys.push_back(SiteAddress::parse(key.text));
            } catch (const std::invalid_argument& e) {
                throw AdaptError(key.file_name(), key.line, "site address '" + key.text + "': " + e.what());
            }
            site.key_texts.push_back(key.text);
        }
        // Map each key to its listeners; a site appears once per listener with the keys it has there.
        std::vector<std::string> binds;
        for (const auto& v : (*site.pile)["bind"])
            for (const auto& b : v.value) binds.push_back(b);
        std::map<std::string, Site> per_listener;
        for (std::size_t k = 0; k < site.keys.size(); ++k) {
            for (const auto& listener : listeners_for(site.keys[k], block.keys[k], binds, options)) {
                const auto [owner, fresh] = claimed.try_emplace(listener + " " + site.keys[k].host + site.keys[k].path, &block);
                if (!fresh && owner->second != &block)
                    throw AdaptError(block.keys[k].file_name(), block.keys[k].line, "ambiguous site definition: " + block.keys[k].text);
                if (!fresh) continue;
                Site& s = per_listener[listener];
                s.pile = site.pile;
                s.where = block.keys.front();
                s.keys.push_back(site.keys[k]);
                s.key_texts.push_back(site.key_texts[k]);
            }
        }
        for (auto& [listener, s] : per_listener) {
            s.key_texts.insert(s.key_texts.begin(), listener); // remember the listener in front
            sites.push_back(std::move(s));
        }
    }

    // Group sites by listener, then listeners with identical site lists into one server.
    std::map<std::string, std::vector<std::size_t>> by_listener;
    for (std::size_t i = 0; i < sites.size(); ++i) by_listener[sites[i].key_texts.front()].push_back(i);
    struct Pairing {
        std::vector<std::string> addresses;
        std::vector<std::size_t> sites;
    };
    std::vector<Pairing> pairings;
    std::set<std::string> taken;
    auto same_blocks = [&](const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            const Site &x = sites[a[i]], &y = sites[b[i]];
            if (x.pile != y.pile || std::vector<std::string>(x.key_texts.begin() + 1, x.key_texts.end()) !=
                                        std::vector<std::string>(y.key_texts.begin() + 1, y.key_texts.end()))
                return false;
        }
        return true;
    };
    for (const auto& [listener, list] : by_listener) {
        if (taken.contains(listener)) continue;
        Pairing p{{listener}, list};
        for (const auto& [other, other_list] : by_listener)
            if (other != listener && !taken.contains(other) && same_blocks(list, other_list)) {
                p.addresses.push_back(other);
                taken.insert(other);
            }
        taken.insert(listener);
        std::sort(p.addresses.begin(), p.addresses.end());
        pairings.push_back(std::move(p));
    }
    std::sort(pairings.begin(), pairings.end(), [](const Pairing& a, const Pairing& b) { return a.addresses[0] < b.addresses[0]; });

    const std::string http_port = std::to_string(options.http());

    json servers = json::object();
    std::vector<TlsServer> tls_servers;
    std::vector<std::vector<std::shared_ptr<json>>> connection_policies; // per server, written once all are built
    std::vector<std::size_t> site_order; // the sites server by server, as the servers list them
    for (std::size_t i = 0; i < pairings.size(); ++i) {
        auto& p = pairings[i];
        json server{{"listen", p.addresses}};
        if (options.auto_https != "on") {
            if (options.auto_https == "off") server["automatic_https"]["disable"] = true;
            else if (options.auto_https == "disable_redirects") server["automatic_https"]["disable_redirects"] = true;
            else if (options.auto_https == "disable_certs") server["automatic_https"]["disable_certificates"] = true;
            else if (options.auto_https == "ignore_loaded_certs") server["automatic_https"]["ignore_loaded_certificates"] = true;
        }
        std::stable_sort(p.sites.begin(), p.sites.end(), [&](std::size_t a, std::size_t b) {
            std::string a_host, b_host, a_path, b_path;
            bool a_wild = false, b_wild = false;
            for (const auto& k : sites[a].keys) {
                if (k.host.find('*') != std::string::npos || k.host.empty()) a_wild = true;
                if (specificity(k.host) > specificity(a_host)) a_host = k.host;
                if (specificity(k.path) > specificity(a_path)) a_path = k.path;
            }
            for (const auto& k : sites[b].keys) {
                if (k.host.find('*') != std::string::npos || k.host.empty()) b_wild = true;
                if (specificity(k.host) > specificity(b_host)) b_host = k.host;
                if (specificity(k.path) > specificity(b_path)) b_path = k.path;
            }
            if (specificity(a_host) == 0) return false;
            if (specificity(b_host) == 0) return true;
            if (a_wild != b_wild) return b_wild && !a_wild;
            if (specificity(a_host) == specificity(b_host)) return a_path.size() > b_path.size();
            return specificity(a_host) > specificity(b_host);
        });
        const bool other_port = std::any_of(p.addresses.begin(), p.addresses.end(), [&](const std::string& l) {
            return l.substr(l.rfind(':') + 1) != http_port;
        });
        json routes = json::array();
        for (std::size_t s : p.sites) {
            const Site& site = sites[s];
            for (const auto& addr : site.keys) {
                if (other_port && addr.scheme == "http" && !addr.host.empty()) {
                    json& skip = server["automatic_https"]["skip"];
                    if (std::find(skip.begin(), skip.end(), addr.host) == skip.end()) skip.push_back(addr.host);
                }
            }
            std::vector<ConfigValue> site_routes;
            if (auto it = site.pile->find("route"); it != site.pile->end()) site_routes = it->second;
            const json built = build_subroute(site_routes, groups, options);
            append_site_routes(routes, built, site_matchers(site), p.sites.size());
            if (auto it = site.pile->find("error_route"); it != site.pile->end()) {
                json& errors = server["errors"];
                if (errors.is_null()) errors = json::object();
                json error_routes = errors.value("routes", json::array());
                for (const auto& subroute : it->second)
                    append_site_routes(error_routes, subroute.value.value("routes", json::array()), site_matchers(site), p.sites.size());
                if (!error_routes.empty()) errors["routes"] = error_routes;
            }
        }
        routes = consolidate_routes(routes);
        if (!routes.empty()) server["routes"] = routes;
        TlsServer& tls_server = tls_servers.emplace_back(TlsServer{p.addresses, {}});
        for (std::size_t s : p.sites) tls_server.sites.push_back({&sites[s].keys, sites[s].pile.get(), &sites[s].where});
        connection_policies.push_back(server_connection_policies(tls_server, options));
        if (json logs = server_logs(p.sites, sites); !logs.is_null()) server["logs"] = logs;
        site_order.insert(site_order.end(), p.sites.begin(), p.sites.end());
        servers["srv" + std::to_string(i)] = server;
    }
    for (std::size_t i = 0; i < connection_policies.size(); ++i)
        for (const auto& cp : connection_policies[i]) servers["srv" + std::to_string(i)]["tls_connection_policies"].push_back(*cp);
    apply_server_options(servers, options);

    json config = json::object();
    if (json tls = build_tls_app(tls_servers, options); !tls.is_null()) config["apps"]["tls"] = tls;
    std::vector<std::string> directive_cas;
    for (std::size_t s : site_order)
        if (auto it = sites[s].pile->find("pki.ca"); it != sites[s].pile->end())
            for (const auto& ca : it->second) directive_cas.push_back(ca.value);
    if (json pki = build_pki_app(options, directive_cas); !pki.is_null()) config["apps"]["pki"] = pki;
    if (!options.tls.storage.is_null()) config["storage"] = options.tls.storage;
    json http_app = json::object();
    if (options.http_port) http_app["http_port"] = *options.http_port;
    if (options.https_port) http_app["https_port"] = *options.https_port;
    if (options.grace_period) http_app["grace_period"] = *options.grace_period;
    if (options.shutdown_delay) http_app["shutdown_delay"] = *options.shutdown_delay;
    if (!servers.empty()) {
        http_app["servers"] = servers;
        config["apps"]["http"] = http_app;
    }
    for (const auto& [name, app] : options.apps.items()) config["apps"][name] = app;
    if (!options.admin.is_null()) config["admin"] = options.admin;
    if (json logs = logging_logs(site_order, sites, options); !logs.empty()) config["logging"]["logs"] = logs;
    return config;
}

} // namespace proxflow::caddyfile
