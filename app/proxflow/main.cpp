// proxflow: the headless engine, with Caddy-style subcommands.
#include "cli.hpp"

#include <cstring>
#include <iostream>

namespace {

constexpr const char* usage = R"(proxflow - a Caddy-compatible reverse proxy engine

Usage: proxflow <command> [flags]

Commands:
  run            Run the engine in the foreground with a config file
  adapt          Print the JSON config a Caddyfile adapts to
  validate       Check a config file without running it
  reverse-proxy  Run a quick reverse proxy from one address to upstreams
  export         Print a JSON config as a Caddyfile
  fmt            Format a Caddyfile as caddy fmt does
  hash-password  Print a password hash for basicauth
  version        Print the version

Run 'proxflow <command> --help' for a command's flags.
Exit codes: 0 ok, 1 config error, 2 usage error.
)";

} // namespace

int main(int argc, char** argv) {
    using namespace proxflow::cli;
    if (argc < 2) {
        std::cerr << usage;
        return usage_error;
    }
    const std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << usage;
        return ok;
    }
    if (command == "version" || command == "--version") {
        std::cout << "proxflow v" << PROXFLOW_VERSION << "\n";
        return ok;
    }
    if (command == "run") return run_command(argc, argv);
    if (command == "adapt") return adapt_command(argc, argv);
    if (command == "validate") return validate_command(argc, argv);
    if (command == "reverse-proxy") return reverse_proxy_command(argc, argv);
    if (command == "fmt") return fmt_command(argc, argv);
    if (command == "export") return export_command(argc, argv);
    if (command == "hash-password") return hash_password_command(argc, argv);
    std::cerr << "proxflow: unknown command \"" << command << "\"\n\n" << usage;
    return usage_error;
}
