#include "handlers/handler_registry.hpp"

#include <map>

namespace proxflow {

const HandlerFactory* find_handler_factory(std::string_view name) {
    static const std::map<std::string, HandlerFactory, std::less<>> registry{
        {"static_response", make_static_response},
        {"headers", make_headers},
        {"rewrite", make_rewrite},
        {"vars", make_vars},
        {"subroute", make_subroute},
        {"reverse_proxy", make_reverse_proxy},
        {"copy_response", make_copy_response},
        {"copy_response_headers", make_copy_response_headers},
        {"traffic_dashboard", make_traffic_dashboard},
        {"encode", make_encode},
        {"map", make_map},
    };
    auto it = registry.find(name);
    return it == registry.end() ? nullptr : &it->second;
}

HandlerPtr build_handler(const json& value, const std::string& path, BuildContext& build) {
    ObjectReader r(value, path);
    const std::string name = r.string("handler");
    if (name.empty()) throw ConfigError(r.path_of("handler"), "missing handler name");
    const HandlerFactory* factory = find_handler_factory(name);
    if (!factory) throw ConfigError(r.path_of("handler"), "unknown handler \"" + name + "\"");
    HandlerPtr handler = (*factory)(r, build);
    r.finish();
    return handler;
}

} // namespace proxflow
