#pragma once
#include "config/object_reader.hpp"
#include "http/beast.hpp"
#include "routing/matcher.hpp"
#include "routing/placeholder.hpp"
#include "routing/route_list.hpp"

#include <optional>
#include <vector>

namespace proxflow {

class BuildContext;

// Caddy's ResponseMatcher: any of the status codes (a single digit is a class: 4 = 4xx) and all
// the header rules.
class ResponseMatcher {
public:
    static ResponseMatcher from_json(const json& value, const std::string& path);
    bool match(const http::response_header<>& res) const;

private:
    std::vector<int> status_codes_;
    std::optional<HeaderRules> headers_;
};

// One entry of reverse_proxy's `handle_response`: under an optional matcher, either a new status
// for the response that is then streamed as usual (replace_status), or routes that run instead.
struct ResponseHandler {
    std::optional<ResponseMatcher> match;
    std::optional<Template> status_code;
    RouteList routes;
    bool has_routes = false;
};

class ResponseHandlers {
public:
    static ResponseHandlers from_json(const json& value, const std::string& path, BuildContext& build);
    bool empty() const { return handlers_.empty(); }
    bool has_routes() const;
    // The first entry that matches and does something (Caddy skips matching entries that have
    // neither a status code nor routes); null when the response is to be streamed unchanged.
    const ResponseHandler* select(const http::response_header<>& res) const;

private:
    std::vector<ResponseHandler> handlers_;
};

// Renders a status code that may hold placeholders: 0 for "keep the current one", nullopt when the
// result is not a valid code (Caddy answers 500 then).
std::optional<unsigned> render_status(const Template& code, const RequestContext& ctx);
// A status_code field as Caddy's WeakString reads it: a number or a string; a literal must be a code.
Template read_status_template(const json& value, const std::string& path);

} // namespace proxflow
