#include "proxy/response_handlers.hpp"

#include "core/build_context.hpp"

#include <charconv>

namespace proxflow {

ResponseMatcher ResponseMatcher::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    ResponseMatcher m;
    m.status_codes_ = r.integers("status_code");
    if (const json* headers = r.take("headers")) m.headers_ = HeaderRules::from_json(*headers, r.path_of("headers"));
    r.finish();
    return m;
}

bool ResponseMatcher::match(const http::response_header<>& res) const {
    if (!status_codes_.empty()) {
        const int status = static_cast<int>(res.result_int());
        bool any = false;
        for (int code : status_codes_)
            if (code == status || (code < 10 && status / 100 == code)) any = true;
        if (!any) return false;
    }
    return !headers_ || headers_->match(res, nullptr);
}

Template read_status_template(const json& value, const std::string& path) {
    Template code;
    if (value.is_number_integer()) code = Template(std::to_string(value.get<std::int64_t>()));
    else if (value.is_string()) code = Template(value.get<std::string>());
    else throw ConfigError(path, "expected a status code (a number or a string)");
    if (!code.has_placeholders()) {
        int parsed = 0;
        const auto& text = code.text();
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
        if (ec != std::errc{} || end != text.data() + text.size() || (parsed != 0 && (parsed < 100 || parsed > 999)))
            throw ConfigError(path, "invalid status code \"" + text + "\"");
    }
    return code;
}

std::optional<unsigned> render_status(const Template& code, const RequestContext& ctx) {
    const std::string text = code.render(ctx);
    int parsed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    if (parsed != 0 && (parsed < 100 || parsed > 999)) return std::nullopt;
    return static_cast<unsigned>(parsed);
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
