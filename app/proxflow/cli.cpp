#include "cli.hpp"

#include "caddyfile/adapter.hpp"
#include "config/config_error.hpp"

#include <cstring>
#include <filesystem>
#include <iostream>
#include <fstream>
#include <sstream>

namespace proxflow::cli {

Flags::Flags(int argc, char** argv, int first, const std::map<std::string, bool>& known) {
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (!arg.starts_with("--")) throw UsageError("unexpected argument \"" + arg + "\"");
        std::string name = arg.substr(2), value;
        bool inline_value = false;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            inline_value = true;
        }
        auto it = known.find(name);
        if (it == known.end()) throw UsageError("unknown flag --" + name);
        if (it->second && !inline_value) {
            if (i + 1 >= argc) throw UsageError("flag --" + name + " needs a value");
            value = argv[++i];
        }
        values_.emplace(name, value);
    }
}

std::optional<std::string> Flags::value(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> Flags::values(const std::string& name) const {
    std::vector<std::string> out;
    for (auto [it, end] = values_.equal_range(name); it != end; ++it) out.push_back(it->second);
    return out;
}

bool Flags::has(const std::string& name) const { return values_.contains(name); }

json load_config_file(const Flags& flags, bool required, const char* default_adapter) {
    std::string path = flags.value("config").value_or("");
    if (path.empty()) {
        if (std::filesystem::exists("Caddyfile")) path = "Caddyfile";
        else if (required) throw UsageError("no config file: give --config FILE (or put a Caddyfile in this folder)");
        else return nullptr;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError("", "cannot read config file " + path);
    std::stringstream text;
    text << in.rdbuf();

    std::string adapter = flags.value("adapter").value_or(default_adapter ? default_adapter : "");
    if (adapter.empty()) {
        const std::string name = std::filesystem::path(path).filename().string();
        adapter = (name.starts_with("Caddyfile") || name.ends_with(".caddyfile") || name.ends_with(".Caddyfile")) ? "caddyfile"
                                                                                                                   : "json";
    }
    if (adapter == "caddyfile") return caddyfile::adapt(text.str(), path);
    if (adapter != "json") throw UsageError("unknown adapter \"" + adapter + "\" (use caddyfile or json)");
    try {
        return json::parse(text.str());
    } catch (const json::parse_error& e) {
        throw ConfigError("", path + ": invalid JSON: " + e.what());
    }
}

int guarded(const char* command, const char* help, int argc, char** argv, int (*body)(int, char**)) {
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::cout << help;
            return ok;
        }
    }
    try {
        return body(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "proxflow " << command << ": " << e.what() << "\n\n" << help;
        return usage_error;
    } catch (const caddyfile::AdaptError& e) {
        std::cerr << "proxflow " << command << ": " << e.what() << "\n";
        return config_error;
    } catch (const ConfigError& e) {
        std::cerr << "proxflow " << command << ": " << e.what() << "\n";
        return config_error;
    } catch (const std::exception& e) { // what the system refused (entropy, memory): said, not a crash
        std::cerr << "proxflow " << command << ": " << e.what() << "\n";
        return config_error;
    }
}

} // namespace proxflow::cli
