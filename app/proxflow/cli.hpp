#pragma once
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace proxflow::cli {

using json = nlohmann::json;

enum ExitCode { ok = 0, config_error = 1, usage_error = 2 };

// Flags of one subcommand: "--name value", "--name=value" or a bare boolean "--name".
class Flags {
public:
    // Throws UsageError on an unknown flag or a missing value.
    Flags(int argc, char** argv, int first, const std::map<std::string, bool>& known /* name -> takes value */);
    std::optional<std::string> value(const std::string& name) const;
    std::vector<std::string> values(const std::string& name) const;
    bool has(const std::string& name) const;

private:
    std::multimap<std::string, std::string> values_;
};

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Reads --config (default ./Caddyfile when present) through --adapter to JSON. Without --adapter,
// default_adapter is used, or else the file's name decides (Caddyfile* / *.caddyfile: caddyfile).
// Throws ConfigError / caddyfile::AdaptError with where; UsageError when there is nothing to read.
json load_config_file(const Flags& flags, bool required, const char* default_adapter = nullptr);

// Runs a command body, turning errors into a message on stderr and the matching exit code.
int guarded(const char* command, const char* help, int argc, char** argv, int (*body)(int, char**));

// Runs an engine with config until it is stopped; --threads comes from flags, and with watch the
// --config file is reloaded when it changes.
int serve(const json& config, const Flags& flags, bool watch);

int run_command(int argc, char** argv);
int adapt_command(int argc, char** argv);
int validate_command(int argc, char** argv);
int reverse_proxy_command(int argc, char** argv);
int fmt_command(int argc, char** argv);
int export_command(int argc, char** argv);
int hash_password_command(int argc, char** argv);

} // namespace proxflow::cli
