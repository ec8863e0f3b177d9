// `proxflow run`: serve a config in the foreground until SIGINT/SIGTERM or POST /stop.
#include "cli.hpp"

#include "caddyfile/adapter.hpp"
#include "core/engine.hpp"

#include <csignal>
#include <filesystem>
#include <iostream>

namespace proxflow::cli {
namespace {

constexpr const char* run_help = R"(Usage: proxflow run [--config FILE] [--adapter caddyfile|json] [--watch] [--threads N]

Runs the engine in the foreground with FILE (default ./Caddyfile when present; with no config
the engine starts with only the admin API on localhost:2019).
  --config FILE    the config to serve
  --adapter NAME   caddyfile or json (default: by the file's name)
  --watch          reload the config when FILE changes (a bad edit is reported and ignored)
  --threads N      event loops to run (default: one per core)
SIGINT or SIGTERM stops gracefully: listeners close, in-flight requests finish.
)";

std::filesystem::file_time_type modified(const std::string& path) {
    std::error_code ec;
    return std::filesystem::last_write_time(path, ec);
}

} // namespace

int serve(const json& config, const Flags& flags, bool watch) {
    EngineOptions options;
    if (auto threads = flags.value("threads")) {
        try {
            options.threads = static_cast<unsigned>(std::stoul(*threads));
        } catch (...) {
            throw UsageError("--threads needs a number");
        }
    }
    std::string watched = flags.value("config").value_or(std::filesystem::exists("Caddyfile") ? "Caddyfile" : "");
    if (watch && watched.empty()) throw UsageError("--watch needs a config file");

    // Block the stop signals before any thread starts, so that only sigtimedwait below sees them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    Engine engine(options);
    engine.load(config);
    std::cerr << "proxflow: serving" << (watched.empty() || config.is_null() ? "" : " " + watched) << "\n";

    auto last_change = modified(watched);
    const timespec tick{0, 250'000'000};
    while (!engine.stopped()) {
        const int sig = sigtimedwait(&signals, nullptr, &tick);
        if (sig == SIGINT || sig == SIGTERM) {
            std::cerr << "proxflow: stopping (signal " << sig << ")\n";
            engine.stop();
            break;
        }
        if (watch) {
            const auto now = modified(watched);
            if (now != last_change) {
                last_change = now;
                try {
                    engine.load(load_config_file(flags, true));
                    std::cerr << "proxflow: reloaded " << watched << "\n";
                } catch (const caddyfile::AdaptError& e) {
                    std::cerr << "proxflow: not reloaded: " << e.what() << "\n";
                } catch (const ConfigError& e) {
                    std::cerr << "proxflow: not reloaded: " << e.what() << "\n";
                }
            }
        }
    }
    engine.wait();
    return ok;
}

namespace {

int run(int argc, char** argv) {
    Flags flags(argc, argv, 2, {{"config", true}, {"adapter", true}, {"watch", false}, {"threads", true}});
    return serve(load_config_file(flags, false), flags, flags.has("watch"));
}

} // namespace

int run_command(int argc, char** argv) { return guarded("run", run_help, argc, argv, run); }

} // namespace proxflow::cli
