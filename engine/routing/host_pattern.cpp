#include "routing/host_pattern.hpp"

#include <boost/beast/core/string.hpp>

namespace proxflow {

std::string_view host_without_port(std::string_view host) {
    if (!host.empty() && host.front() == '[') return host.substr(1, host.find(']') - 1);
    const auto colon = host.rfind(':');
    if (colon != std::string_view::npos && host.find(':') == colon) host = host.substr(0, colon);
    return host;
}

bool host_matches_pattern(std::string_view host, std::string_view pattern) {
    using boost::beast::iequals;
    if (iequals(pattern, host)) return true;
    if (pattern.find('*') == std::string_view::npos) return false;
    std::size_t hp = 0, pp = 0;
    while (pp < pattern.size()) {
        const auto pdot = pattern.find('.', pp);
        const auto hdot = host.find('.', hp);
        if (hp > host.size()) return false;
        const std::string_view plabel = pattern.substr(pp, pdot - pp);
        const std::string_view hlabel = host.substr(hp, hdot - hp);
        if (plabel != "*" && !iequals(plabel, hlabel)) return false;
        if (plabel == "*" && hlabel.empty()) return false;
        if ((pdot == std::string_view::npos) != (hdot == std::string_view::npos)) return false;
        pp = pdot == std::string_view::npos ? pattern.size() : pdot + 1;
        hp = hdot == std::string_view::npos ? host.size() + 1 : hdot + 1;
    }
    return true;
}

} // namespace proxflow
