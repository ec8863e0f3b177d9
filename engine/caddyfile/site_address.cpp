#include "caddyfile/site_address.hpp"

#include <cctype>
#include <stdexcept>

namespace proxflow::caddyfile {
namespace {

// Lowercase, except inside {placeholders}.
std::string lower_except_placeholders(const std::string& s) {
    std::string out;
    int depth = 0;
    for (char c : s) {
        if (c == '{') ++depth;
        if (c == '}') --depth;
        out += depth > 0 ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

} // namespace

SiteAddress SiteAddress::parse(const std::string& key) {
    SiteAddress a;
    a.original = key;
    std::string rest = key;
    if (const auto sep = rest.find("://"); sep != std::string::npos) {
        a.scheme = lower_except_placeholders(rest.substr(0, sep));
        rest = rest.substr(sep + 3);
    }
    std::string hostport = rest;
    if (const auto slash = rest.find('/'); slash != std::string::npos) {
        hostport = rest.substr(0, slash);
        a.path = "/" + rest.substr(slash + 1);
    }
    if (!hostport.empty() && hostport.front() == '[') {
        const auto end = hostport.find(']');
        if (end == std::string::npos) throw std::invalid_argument("missing ']' in address");
        a.host = hostport.substr(1, end == std::string::npos ? std::string::npos : end - 1);
        if (end != std::string::npos && end + 1 < hostport.size() && hostport[end + 1] == ':') a.port = hostport.substr(end + 2);
    } else if (const auto colon = hostport.rfind(':'); colon != std::string::npos && hostport.find(':') == colon) {
        a.host = hostport.substr(0, colon);
        a.port = hostport.substr(colon + 1);
    } else {
        a.host = hostport;
    }
    if (!a.port.empty()) {
        if (a.port.find_first_not_of("0123456789") != std::string::npos) throw std::invalid_argument("invalid port '" + a.port + "'");
        if (a.port.size() > 5 || std::stol(a.port) > 65535) throw std::invalid_argument("port " + a.port + " is out of range");
    }
    a.host = lower_except_placeholders(a.host);
    return a;
}

} // namespace proxflow::caddyfile
