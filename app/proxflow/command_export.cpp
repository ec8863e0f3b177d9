// `proxflow export`: a JSON config as a Caddyfile.
#include "cli.hpp"

#include "caddyfile/exporter.hpp"

#include <iostream>

namespace proxflow::cli {
namespace {

constexpr const char* export_help = R"(Usage: proxflow export --config FILE [--adapter json|caddyfile] [--target proxflow|caddy]

Prints the config in FILE as a Caddyfile that adapts back to the same JSON. A part that no
Caddyfile can say is an error naming its JSON path and why, never dropped quietly.
  --target caddy   for a stock Caddy: ProxFlow-only parts are left out and listed as warnings
)";

int export_body(int argc, char** argv) {
    Flags flags(argc, argv, 2, {{"config", true}, {"adapter", true}, {"target", true}});
    const std::string target = flags.value("target").value_or("proxflow");
    if (target != "proxflow" && target != "caddy") throw UsageError("--target is proxflow or caddy");
    const json config = load_config_file(flags, true, "json");
    try {
        const auto result = caddyfile::export_caddyfile(config, target == "caddy");
        for (const auto& warning : result.warnings) std::cerr << "proxflow export: warning: " << warning << "\n";
        std::cout << result.caddyfile;
    } catch (const caddyfile::ExportError& e) {
        std::cerr << "proxflow export: cannot say in a Caddyfile: " << e.what() << "\n";
        return config_error;
    }
    return ok;
}

} // namespace

int export_command(int argc, char** argv) { return guarded("export", export_help, argc, argv, export_body); }

} // namespace proxflow::cli
