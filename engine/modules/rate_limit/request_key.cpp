#include "modules/rate_limit/request_key.hpp"

#include "http/client_ip.hpp"
#include "http/request_context.hpp"
#include "routing/server_runtime.hpp"

#include <boost/algorithm/string/predicate.hpp>

namespace proxflow {

RequestKey::RequestKey(const RateLimitConfig& c)
    : api_key_header_(c.api_key_header), api_key_query_placeholder_("http.request.uri.query." + c.api_key_query) {
    if (c.key == "ip") kind_ = Kind::ip;
    else if (c.key == "user") kind_ = Kind::user;
    else if (c.key == "api_key") kind_ = Kind::api_key;
    else {
        kind_ = Kind::text;
        text_ = Template(c.key);
    }
}

std::string RequestKey::api_key(const RequestContext& ctx) const {
    const auto& req = ctx.request();
    if (!api_key_header_.empty()) {
        const auto value = req[api_key_header_];
        if (!value.empty()) return std::string(value);
    }
    constexpr std::string_view bearer = "Bearer ";
    const auto authorization = req[http::field::authorization];
    if (authorization.size() > bearer.size() && boost::algorithm::istarts_with(authorization, bearer))
        return std::string(authorization.substr(bearer.size()));
    std::string out;
    if (!api_key_query_placeholder_.empty()) resolve_placeholder(ctx, api_key_query_placeholder_, out);
    return out;
}

std::string RequestKey::of(const RequestContext& ctx) const {
    std::string key;
    switch (kind_) {
    case Kind::ip:
        return ip_text(client_ip_of(ctx));
    case Kind::user:
        resolve_placeholder(ctx, "http.auth.user.id", key);
        break;
    case Kind::api_key:
        key = api_key(ctx);
        break;
    case Kind::text:
        key = text_.render(ctx);
        break;
    }
    // No key (no user, no API key): the request counts against its client IP, kept apart from keys.
    if (key.empty()) key = "ip:" + ip_text(client_ip_of(ctx));
    return key;
}

} // namespace proxflow
