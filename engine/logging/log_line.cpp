#include "logging/log_line.hpp"

#include <chrono>
#include <cstdio>

namespace proxflow {

void log_line(std::string_view level, std::string_view logger, std::string_view msg, nlohmann::json fields) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    nlohmann::json line = {{"level", level},
                           {"ts", std::chrono::duration<double>(now).count()},
                           {"logger", logger},
                           {"msg", msg}};
    for (auto& [key, value] : fields.items()) line[key] = value;
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    // One write per line, so lines from several threads do not interleave.
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

} // namespace proxflow
