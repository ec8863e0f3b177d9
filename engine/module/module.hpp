#pragma once
// What a module is: every face of one capability (its handler, its request matchers, its Caddyfile
// directives and their export, its console defaults), described once and registered by one line in
// modules/module_list.hpp.
#include "caddyfile/directives.hpp"
#include "module/handler.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace proxflow {

class Matcher;
class UsagePool;
namespace metrics {
struct Snapshot;
}
namespace caddyfile {
class Dispenser;
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

// Writes routes[first], and the routes after it that the same directive made (try_files makes a
// group of them), back as that directive; returns how many it wrote, 0 when routes[first] is not
// its shape (the default, one directive per handler, follows).
using RoutesExporter = std::size_t (*)(caddyfile::Writer& w, const nlohmann::json& routes, std::size_t first,
                                       const std::string& path);

// A request matcher a module brings (Caddy's http.matchers.<name>), in every face: the runtime
// matcher built from its JSON (throws ConfigError naming path), the Caddyfile line that makes it
// in a named matcher block (`@name { <name> args... { block } }`; the dispenser is on <name>, value
// is null the first time and holds what earlier lines of the same block set, which merge as
// Caddy's do), and the lines its export writes in a named matcher block (throws
// caddyfile::ExportError naming path). Directives that make the matcher themselves (try_files)
// build its JSON and so need nothing here.
struct MatcherSpec {
    std::string name;
    std::unique_ptr<Matcher> (*build)(const nlohmann::json& value, const std::string& path) = nullptr;
    void (*parse)(caddyfile::Dispenser& d, nlohmann::json& value) = nullptr;
    void (*write)(caddyfile::Writer& w, const nlohmann::json& value, const std::string& path) = nullptr;
};

// What the console offers for a handler: its name in lists, the JSON a new one starts as, and the
// values of its enumerated fields (LB policy names ...), so no QML copies them.
struct ConsoleSpec {
    std::string label;
    nlohmann::json default_json = nlohmann::json::object();
    nlohmann::json choices = nlohmann::json::object(); // field -> array of allowed values
};

// An app of ProxFlow's own under `apps.<name>` (traffic_metrics; tenants, the capture store, the
// cache store next): state every handler of a config shares, with its global option in a Caddyfile.
// Stock Caddy has none of them: `export --target caddy` leaves them out with a warning.
struct AppSpec {
    std::string name; // the key under apps, and the global option's name
    // Checks the app's JSON (null when the config has none: the app with its defaults) strictly, with
    // JSON paths in errors, and builds what runs; what it returns is Runtime::app(name).
    std::shared_ptr<const void> (*build)(const nlohmann::json* value, const std::string& path, BuildContext& build) = nullptr;
    // The global option: from its tokens (the dispenser on its name) to the app's JSON, and back to
    // option lines ("name", "name off", "name {", "\tsub value", "}").
    nlohmann::json (*parse_global)(caddyfile::Dispenser& d) = nullptr;
    std::vector<std::string> (*write_global)(const nlohmann::json& app, const std::string& path) = nullptr;
};

// What a module shows of its live state, kept in the engine's UsagePool across reloads: a read-only
// admin API endpoint (Caddy's GET /reverse_proxy/upstreams; the console reads the same JSON) and its
// part of the metrics snapshot that /metrics, the dashboard and the console render.
struct StatusEndpoint {
    std::string admin_path;
    nlohmann::json (*read)(const UsagePool& state) = nullptr;
};
struct StatusSpec {
    std::vector<StatusEndpoint> endpoints = {};
    void (*add_to_snapshot)(const UsagePool& state, metrics::Snapshot& snap) = nullptr;
};

struct ModuleDescriptor {
    std::string handler = {};             // the JSON handler name; empty for a directive-only module
    HandlerFactory build = nullptr;       // null: adapts and exports, but the engine refuses to run it
    std::vector<DirectiveSpec> directives = {};
    std::vector<ExporterSpec> exporters = {}; // tried in module-list order, for every module
    std::vector<RoutesExporter> route_exporters = {}; // tried before exporters, in module-list order
    std::vector<MatcherSpec> matchers = {};    // names the engine's own matchers do not use
    std::vector<AppSpec> apps = {};
    ConsoleSpec console = {};
    StatusSpec status = {};
    bool proxflow_only = false;           // not in stock Caddy: `export --target caddy` leaves it out
};

} // namespace proxflow
