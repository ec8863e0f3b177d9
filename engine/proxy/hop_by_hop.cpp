#include "proxy/hop_by_hop.hpp"

#include <string>
#include <vector>

namespace proxflow {

void remove_hop_by_hop(http::fields& fields) {
    std::vector<std::string> named;
    for (auto range = fields.equal_range(http::field::connection); range.first != range.second; ++range.first)
        for (auto token : http::token_list(range.first->value())) named.emplace_back(token);
    for (const auto& name : named)
        if (!beast::iequals(name, "transfer-encoding")) fields.erase(name);
    fields.erase(http::field::connection);
    fields.erase(http::field::keep_alive);
    fields.erase(http::field::proxy_connection);
    fields.erase(http::field::proxy_authenticate);
    fields.erase(http::field::proxy_authorization);
    fields.erase(http::field::te);
    fields.erase(http::field::trailer);
    fields.erase(http::field::upgrade);
}

bool is_upgrade_request(const http::request_header<>& req) {
    if (req[http::field::upgrade].empty()) return false;
    for (auto range = req.equal_range(http::field::connection); range.first != range.second; ++range.first)
        for (auto token : http::token_list(range.first->value()))
            if (beast::iequals(token, "upgrade")) return true;
    return false;
}

} // namespace proxflow
