#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
nlohmann::json parse_traffic_metrics(Dispenser& d);
std::vector<std::string> write_traffic_metrics(const nlohmann::json& app, const std::string& path);
} // namespace caddyfile

std::shared_ptr<const void> build_traffic_metrics(const nlohmann::json* value, const std::string& path, BuildContext& build);

// ProxFlow's `apps.traffic_metrics`: whether requests are counted, and how a client's country is found.
ModuleDescriptor traffic_metrics_module() {
    return {.apps = {{.name = "traffic_metrics",
                      .build = build_traffic_metrics,
                      .parse_global = caddyfile::parse_traffic_metrics,
                      .write_global = caddyfile::write_traffic_metrics}}};
}

} // namespace proxflow
