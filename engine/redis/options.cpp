#include "redis/options.hpp"

#include <charconv>
#include <stdexcept>

namespace proxflow::redis {

Options Options::from_address(std::string_view address) {
    const auto quoted = [&] { return "\"" + std::string(address) + "\""; };
    Options o;
    std::string_view host = address;
    std::string_view port;
    bool has_port = false;
    if (address.starts_with('[')) {
        const auto close = address.find(']');
        if (close == std::string_view::npos) throw std::invalid_argument(quoted() + ": an IPv6 address needs its closing ]");
        host = address.substr(1, close - 1);
        const std::string_view rest = address.substr(close + 1);
        if (!rest.empty() && rest[0] != ':') throw std::invalid_argument(quoted() + ": expected :port after ]");
        has_port = !rest.empty();
        if (has_port) port = rest.substr(1);
    } else if (const auto colon = address.rfind(':'); colon != std::string_view::npos) {
        if (address.find(':') != colon) throw std::invalid_argument(quoted() + ": write an IPv6 address in brackets, [::1]:6379");
        host = address.substr(0, colon);
        port = address.substr(colon + 1);
        has_port = true;
    }
    if (host.empty()) throw std::invalid_argument(quoted() + ": no host");
    o.host = std::string(host);
    if (has_port) {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
            throw std::invalid_argument(quoted() + ": the port must be a number from 1 to 65535");
        o.port = static_cast<std::uint16_t>(value);
    }
    return o;
}

std::string Options::address() const {
    const std::string p = std::to_string(port);
    return host.find(':') != std::string::npos ? "[" + host + "]:" + p : host + ":" + p;
}

} // namespace proxflow::redis
