// `copy_response` and `copy_response_headers`: inside a reverse_proxy's handle_response routes, send
// the upstream's response (or some of its header fields) to the client after all.
#include "http/proxied_response.hpp"
#include "http/request_context.hpp"
#include "module/build_context.hpp"
#include "module/handler.hpp"
#include "modules/reverse_proxy/response_handlers.hpp"
#include "routing/response_writer.hpp"

namespace proxflow {
namespace {

void require_handle_response_routes(const ObjectReader& r, const BuildContext& build, const char* name) {
    if (build.handle_response_depth == 0)
        throw ConfigError(r.path_of("handler"),
                          std::string(name) + " is only valid inside the handle_response routes of a reverse_proxy");
}

class CopyResponse final : public Handler {
public:
    CopyResponse(ObjectReader& r, BuildContext& build) {
        require_handle_response_routes(r, build, "copy_response");
        if (const json* code = r.take("status_code")) status_ = read_status_template(*code, r.path_of("status_code"));
    }

    awaitable<bool> handle(RequestContext& ctx) const override {
        // Reached through a subroute after the routes ended: nothing left to copy.
        if (!ctx.proxied_response) {
            co_await write_error(ctx, http::status::internal_server_error);
            co_return true;
        }
        unsigned status = 0;
        if (status_) {
            const auto rendered = render_status(*status_, ctx);
            if (!rendered || *rendered == 0) {
                co_await write_error(ctx, http::status::internal_server_error);
                co_return true;
            }
            status = *rendered;
        }
        co_await ctx.proxied_response->copy_to_client(ctx, status);
        co_return true;
    }

private:
    std::optional<Template> status_;
};

class CopyResponseHeaders final : public Handler {
public:
    CopyResponseHeaders(ObjectReader& r, BuildContext& build) {
        require_handle_response_routes(r, build, "copy_response_headers");
        include_ = r.strings("include");
        exclude_ = r.strings("exclude");
        if (!include_.empty() && !exclude_.empty())
            throw ConfigError(r.path(), "cannot define both 'exclude' and 'include' lists at the same time");
    }

    awaitable<bool> handle(RequestContext& ctx) const override {
        if (!ctx.proxied_response) {
            co_await write_error(ctx, http::status::internal_server_error);
            co_return true;
        }
        for (const auto& field : ctx.proxied_response->header()) {
            const std::string_view name = field.name_string();
            if (!include_.empty() && !listed(include_, name)) continue;
            if (listed(exclude_, name)) continue;
            // The upstream's framing describes its body, not the response written here.
            if (field.name() == http::field::content_length || field.name() == http::field::transfer_encoding ||
                field.name() == http::field::connection || field.name() == http::field::keep_alive)
                continue;
            ctx.response_headers_to_add.emplace_back(std::string(name), std::string(field.value()));
        }
        co_return false;
    }

private:
    static bool listed(const std::vector<std::string>& names, std::string_view name) {
        for (const auto& n : names)
            if (beast::iequals(n, name)) return true;
        return false;
    }
    std::vector<std::string> include_, exclude_;
};

} // namespace

HandlerPtr make_copy_response(ObjectReader& r, BuildContext& build) { return std::make_shared<CopyResponse>(r, build); }
HandlerPtr make_copy_response_headers(ObjectReader& r, BuildContext& build) {
    return std::make_shared<CopyResponseHeaders>(r, build);
}

} // namespace proxflow
