#include "modules/reverse_proxy/hop_by_hop.hpp"

#include "http/field_lookup.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

namespace proxflow {
namespace {

bool is_hop_by_hop(http::field name) {
    switch (name) {
    case http::field::connection:
    case http::field::keep_alive:
    case http::field::proxy_connection:
    case http::field::proxy_authenticate:
    case http::field::proxy_authorization:
    case http::field::te:
    case http::field::trailer:
    case http::field::upgrade: return true;
    default: return false;
    }
}

} // namespace

// One walk over the header list: erasing by name would search the field set once per candidate,
// which was a tenth of a proxied request's instructions.
void remove_hop_by_hop(http::fields& fields) {
    std::vector<std::string_view> named; // what Connection lists, beyond the usual close/keep-alive
    for (const auto& f : fields) {
        if (f.name() != http::field::connection) continue;
        for (auto token : http::token_list(f.value()))
            if (!beast::iequals(token, "close") && !beast::iequals(token, "keep-alive") &&
                !beast::iequals(token, "transfer-encoding"))
                named.emplace_back(token.data(), token.size());
    }
    // `named` views the Connection values, so those go last, after the fields they name.
    for (auto it = fields.begin(); !named.empty() && it != fields.end();) {
        const auto name = it->name_string();
        const bool listed = std::any_of(named.begin(), named.end(), [&](std::string_view n) { return beast::iequals(n, name); });
        if (listed && it->name() != http::field::connection) it = fields.erase(it);
        else ++it;
    }
    for (auto it = fields.begin(); it != fields.end();) {
        if (is_hop_by_hop(it->name())) it = fields.erase(it);
        else ++it;
    }
}

bool is_upgrade_request(const http::request_header<>& req) {
    if (field_value(req, http::field::upgrade).empty()) return false;
    for (auto range = req.equal_range(http::field::connection); range.first != range.second; ++range.first)
        for (auto token : http::token_list(range.first->value()))
            if (beast::iequals(token, "upgrade")) return true;
    return false;
}

} // namespace proxflow
