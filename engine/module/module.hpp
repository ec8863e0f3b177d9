#pragma once
// What a module is: every face of one capability (its handler, its Caddyfile directives and their
// export, its console defaults), described once and registered by one line in modules/module_list.hpp.
#include "caddyfile/directives.hpp"
#include "module/handler.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace proxflow {

namespace caddyfile {
class Writer;
}

// Writes one handler of a route back as Caddyfile lines under matcher token `matcher` ("" for none).
// Returns false when the handler's shape is not this exporter's (the next registered one is tried);
// throws caddyfile::ExportError, naming path, for what no Caddyfile can say.
using HandlerExporter = bool (*)(caddyfile::Writer& w, const std::string& matcher, const nlohmann::json& handler,
                                 const std::string& path);

struct DirectiveSpec {
    std::string name;
    caddyfile::DirectiveParser parse;
    // A directive Caddy does not order goes right after this one (Caddy's RegisterDirectiveOrder);
    // empty for Caddy's own directives, which keep Caddy's order.
    std::string order_after = {};
};

struct ExporterSpec {
    std::string handler; // the JSON handler name it writes (forward_auth's exporter writes reverse_proxy)
    HandlerExporter write;
};

// What the console offers for a handler: its name in lists, the JSON a new one starts as, and the
// values of its enumerated fields (LB policy names ...), so no QML copies them.
struct ConsoleSpec {
    std::string label;
    nlohmann::json default_json = nlohmann::json::object();
    nlohmann::json choices = nlohmann::json::object(); // field -> array of allowed values
};

struct ModuleDescriptor {
    std::string handler;                  // the JSON handler name; empty for a directive-only module
    HandlerFactory build = nullptr;       // null: adapts and exports, but the engine refuses to run it
    std::vector<DirectiveSpec> directives;
    std::vector<ExporterSpec> exporters;  // tried in module-list order, for every module
    ConsoleSpec console = {};
    bool proxflow_only = false;           // not in stock Caddy: `export --target caddy` leaves it out
};

} // namespace proxflow
