#include "metrics/traffic_metrics_config.hpp"
#include "module/build_context.hpp"

namespace proxflow {

std::shared_ptr<const void> build_traffic_metrics(const nlohmann::json* value, const std::string& path, BuildContext&) {
    return TrafficMetricsConfig::from_json(value, path);
}

} // namespace proxflow
