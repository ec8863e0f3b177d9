#include "http/accept_encoding.hpp"

#include "config/ascii_lower.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace proxflow {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// "q=0.5" → 0.5; anything unreadable or out of [0, 1] leaves Caddy's default of 1.
double q_value(std::string_view param) {
    const std::string text = ascii_lower(trim(param));
    if (!text.starts_with("q=") || text.size() == 2) return 1.0;
    char* end = nullptr;
    const double q = std::strtod(text.c_str() + 2, &end);
    if (end != text.c_str() + text.size() || !(q >= 0 && q <= 1)) return 1.0;
    return q;
}

struct Preference {
    std::string encoding;
    double q;
    int prefer_order; // higher is preferred; -1 when not in prefer
};

} // namespace

std::vector<std::string> accepted_encodings(std::string_view header, bool websocket, const std::vector<std::string>& prefer,
                                            const std::vector<std::string>& offered) {
    std::vector<Preference> prefs;
    std::vector<std::string> named;
    std::optional<double> star_q;
    const auto order_of = [&](const std::string& name) {
        const auto it = std::find(prefer.begin(), prefer.end(), name);
        return it == prefer.end() ? -1 : static_cast<int>(prefer.end() - it);
    };
    while (!header.empty()) {
        const auto comma = header.find(',');
        const std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        const auto semicolon = item.find(';');
        std::string name = ascii_lower(trim(item.substr(0, semicolon)));
        if (name.empty()) continue;
        double q = 1.0;
        if (semicolon != std::string_view::npos) {
            std::string_view params = item.substr(semicolon + 1);
            q = q_value(params.substr(0, params.find(';')));
        }
        named.push_back(name);
        if (q < 0.00001) continue;
        if (websocket && name != "identity") continue;
        if (name == "*") {
            star_q = q;
            continue;
        }
        const int order = order_of(name);
        prefs.push_back({std::move(name), q, order});
    }
    if (star_q)
        for (const auto& name : offered)
            if (std::find(named.begin(), named.end(), name) == named.end()) prefs.push_back({name, *star_q, order_of(name)});
    std::stable_sort(prefs.begin(), prefs.end(), [](const Preference& a, const Preference& b) {
        if (std::abs(a.q - b.q) < 0.00001) return a.prefer_order > b.prefer_order;
        return a.q > b.q;
    });
    std::vector<std::string> out;
    out.reserve(prefs.size());
    for (auto& p : prefs) out.push_back(std::move(p.encoding));
    return out;
}

} // namespace proxflow
