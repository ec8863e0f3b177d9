// `static_response`: a fixed status, headers and body (Caddy's `respond`), or `close`/`abort`.
#include "http/request_context.hpp"
#include "module/build_context.hpp"
#include "module/handler.hpp"
#include "routing/placeholder.hpp"
#include "routing/response_writer.hpp"
#include "routing/status_code.hpp"

namespace proxflow {
namespace {

class StaticResponse final : public Handler {
public:
    explicit StaticResponse(ObjectReader& r) {
        status_ = read_status_code(r);
        if (const json* headers = r.take("headers")) {
            const std::string path = r.path_of("headers");
            expect_object(*headers, path);
            for (auto it = headers->begin(); it != headers->end(); ++it) {
                expect_array(it.value(), join_path(path, it.key()));
                for (const auto& v : it.value()) headers_.emplace_back(it.key(), Template(v.get<std::string>()));
            }
        }
        body_ = Template(r.string("body"));
        close_ = r.boolean("close");
        abort_ = r.boolean("abort");
    }

    awaitable<bool> handle(RequestContext& ctx) const override {
        if (abort_) {
            ctx.close_connection = true;
            ctx.responded = true;
            error_code ignored;
            ctx.client.socket().shutdown(tcp::socket::shutdown_both, ignored);
            co_return true;
        }
        http::response<http::string_body> res{static_cast<http::status>(render_status_code(status_, ctx, 200)), 11};
        for (const auto& [name, value] : headers_) res.insert(name, value.render(ctx));
        res.body() = body_.render(ctx);
        if (!res.body().empty() && !res.count(http::field::content_type))
            res.set(http::field::content_type, "text/plain; charset=utf-8");
        if (close_) ctx.close_connection = true;
        co_await write_response(ctx, res);
        co_return true;
    }

private:
    Template status_;
    std::vector<std::pair<std::string, Template>> headers_;
    Template body_;
    bool close_ = false;
    bool abort_ = false;
};

} // namespace

HandlerPtr make_static_response(ObjectReader& r, BuildContext&) { return std::make_shared<StaticResponse>(r); }

} // namespace proxflow
