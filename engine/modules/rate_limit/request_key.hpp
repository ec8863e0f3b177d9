#pragma once
// Which client a request counts against: its IP (Caddy's client_ip), its authenticated user, its API
// key, or any text with placeholders. A request without the key counts against its IP instead.
#include "modules/rate_limit/rate_limit_config.hpp"
#include "routing/placeholder.hpp"

#include <string>

namespace proxflow {

struct RequestContext;

class RequestKey {
public:
    explicit RequestKey(const RateLimitConfig& config);
    std::string of(const RequestContext& ctx) const;

private:
    enum class Kind { ip, user, api_key, text };
    std::string api_key(const RequestContext& ctx) const;
    Kind kind_ = Kind::ip;
    Template text_;
    std::string api_key_header_;
    std::string api_key_query_placeholder_; // http.request.uri.query.<name>
};

} // namespace proxflow
