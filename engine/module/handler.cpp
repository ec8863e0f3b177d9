#include "module/handler.hpp"

#include "module/registry.hpp"

namespace proxflow {

HandlerPtr build_handler(const json& value, const std::string& path, BuildContext& build) {
    ObjectReader r(value, path);
    const std::string name = r.string("handler");
    if (name.empty()) throw ConfigError(r.path_of("handler"), "missing handler name");
    const ModuleDescriptor* module = find_handler_module(name);
    if (!module) throw ConfigError(r.path_of("handler"), "unknown handler \"" + name + "\"");
    if (!module->build) throw ConfigError(r.path_of("handler"), "handler \"" + name + "\" is not supported by ProxFlow yet");
    HandlerPtr handler = module->build(r, build);
    r.finish();
    return handler;
}

} // namespace proxflow
