#include "routing/status_code.hpp"

#include <cstdlib>

namespace proxflow {

Template read_status_code(ObjectReader& r) {
    const json* code = r.take("status_code");
    if (!code) return {};
    Template status;
    if (code->is_number_integer()) status = Template(std::to_string(code->get<int>()));
    else if (code->is_string()) status = Template(code->get<std::string>());
    else throw ConfigError(r.path_of("status_code"), "expected a status code");
    if (!status.has_placeholders()) {
        const int value = std::atoi(status.text().c_str());
        if (value < 100 || value > 999) throw ConfigError(r.path_of("status_code"), "invalid status code " + status.text());
    }
    return status;
}

int render_status_code(const Template& status, const RequestContext& ctx, int absent) {
    if (status.text().empty()) return absent;
    const int value = std::atoi(status.render(ctx).c_str());
    return value < 100 || value > 999 ? 500 : value;
}

} // namespace proxflow
