#pragma once
#include <string_view>
#include <vector>

namespace proxflow {

// A file of the web dashboard, compiled into the binary (see resources/dashboard/).
struct DashboardAsset {
    std::string_view name; // served below the dashboard's path, e.g. "index.html", "vendor/uPlot.iife.min.js"
    std::string_view content_type;
    std::string_view data;
};

const std::vector<DashboardAsset>& dashboard_assets();

} // namespace proxflow
