#include "modules/reverse_proxy/response_handlers.hpp"

#include "module/build_context.hpp"
#include "http/status_code.hpp"

namespace proxflow {
namespace {

// A replace_status code: a three-digit status, or 0 for "leave it".
std::optional<unsigned> status_or_unchanged(std::string_view text) {
    const auto code = parse_status_number(text);
    if (!code || (*code != 0 && (*code < 100 || *code > 999))) return std::nullopt;
    return static_cast<unsigned>(*code);
}

} // namespace

ResponseMatcher ResponseMatcher::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    ResponseMatcher m;
    m.status_codes_ = r.integers("status_code");
    if (const json* headers = r.take("headers")) m.headers_ = HeaderRules::from_json(*headers, r.path_of("headers"));
    r.finish();
    return m;
}

bool ResponseMatcher::match(const http::response_header<>& res) const {
    if (!status_codes_.empty() && !any_status_matches(res.result_int(), status_codes_)) return false;
    return !headers_ || headers_->match(res, nullptr);
}

Template read_status_template(const json& value, const std::string& path) {
    Template code;
    if (value.is_number_integer()) code = Template(std::to_string(value.get<std::int64_t>()));
    else if (value.is_string()) code = Template(value.get<std::string>());
    else throw ConfigError(path, "expected a status code (a number or a string)");
    if (!code.has_placeholders() && !status_or_unchanged(code.text()))
        throw ConfigError(path, "invalid status code \"" + code.text() + "\"");
    return code;
}

std::optional<unsigned> render_status(const Template& code, const RequestContext& ctx) {
    return status_or_unchanged(code.render(ctx));
}

ResponseHandlers ResponseHandlers::from_json(const json& value, const std::string& path, BuildContext& build) {
    expect_array(value, path);
    ResponseHandlers out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        ObjectReader r(value[i], index_path(path, i));
        ResponseHandler h;
        if (const json* match = r.take("match")) h.match = ResponseMatcher::from_json(*match, r.path_of("match"));
        if (const json* code = r.take("status_code")) h.status_code = read_status_template(*code, r.path_of("status_code"));
        if (const json* routes = r.take("routes")) {
            // copy_response and copy_response_headers are only valid while these routes are built.
            ++build.handle_response_depth;
            try {
                h.routes = RouteList::from_json(*routes, r.path_of("routes"), build);
            } catch (...) {
                --build.handle_response_depth;
                throw;
            }
            --build.handle_response_depth;
            h.has_routes = !h.routes.empty();
        }
        r.finish();
        out.handlers_.push_back(std::move(h));
    }
    return out;
}

bool ResponseHandlers::has_routes() const {
    for (const auto& h : handlers_)
        if (h.has_routes && !h.status_code) return true;
    return false;
}

const ResponseHandler* ResponseHandlers::select(const http::response_header<>& res) const {
    for (const auto& h : handlers_) {
        if (h.match && !h.match->match(res)) continue;
        if (h.status_code || h.has_routes) return &h;
    }
    return nullptr;
}

} // namespace proxflow
