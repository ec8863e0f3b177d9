// `proxflow adapt` and `proxflow validate`.
#include "cli.hpp"

#include "server/runtime.hpp"

#include <iostream>

namespace proxflow::cli {
namespace {

constexpr const char* adapt_help = R"(Usage: proxflow adapt [--config FILE] [--adapter caddyfile|json] [--pretty] [--validate]

Prints the native JSON config that FILE (default ./Caddyfile) adapts to.
  --config FILE    the config to adapt
  --adapter NAME   caddyfile (default for Caddyfile names) or json
  --pretty         indent the JSON
  --validate       also validate the adapted config as `validate` does
)";

constexpr const char* validate_help = R"(Usage: proxflow validate [--config FILE] [--adapter caddyfile|json]

Loads and validates FILE (default ./Caddyfile) without serving it: every handler, matcher and
upstream is checked, and the first error names its file:line or JSON path. Exit code 1 on error.
)";

void validate(const json& config) {
    UsagePool state;
    asio::io_context io;
    Runtime::build(config, state, io);
}

int adapt(int argc, char** argv) {
    Flags flags(argc, argv, 2, {{"config", true}, {"adapter", true}, {"pretty", false}, {"validate", false}});
    // As `caddy adapt`, the Caddyfile adapter is the default whatever the file is called.
    json config = load_config_file(flags, true, "caddyfile");
    if (flags.has("validate")) validate(config);
    std::cout << config.dump(flags.has("pretty") ? 2 : -1) << "\n";
    return ok;
}

int validate_body(int argc, char** argv) {
    Flags flags(argc, argv, 2, {{"config", true}, {"adapter", true}});
    validate(load_config_file(flags, true));
    std::cout << "Valid configuration\n";
    return ok;
}

} // namespace

int adapt_command(int argc, char** argv) { return guarded("adapt", adapt_help, argc, argv, adapt); }
int validate_command(int argc, char** argv) { return guarded("validate", validate_help, argc, argv, validate_body); }

} // namespace proxflow::cli
