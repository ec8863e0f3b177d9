// `request_body`: caps what a client may send (Caddy's max_size). A declared Content-Length over the
// cap is answered 413 at once, as nginx's client_max_body_size; a chunked body is cut off by the
// parser's body limit when it crosses the cap, and reverse_proxy answers that with 413 too.
#include "http/request_context.hpp"
#include "module/handler.hpp"
#include "routing/response_writer.hpp"

namespace proxflow {
namespace {

class RequestBody final : public Handler {
public:
    explicit RequestBody(ObjectReader& r) : max_size_(r.integer("max_size")) {
        if (max_size_ < 0) throw ConfigError(r.path_of("max_size"), "must not be negative");
    }

    awaitable<bool> handle(RequestContext& ctx) const override {
        if (max_size_ == 0 || ctx.parser.is_done()) co_return false;
        const auto limit = static_cast<std::uint64_t>(max_size_);
        if (const auto declared = ctx.parser.content_length(); declared && *declared > limit) {
            ctx.close_connection = true; // the body stays unread: the connection cannot carry another request
            co_await write_error(ctx, http::status::payload_too_large);
            co_return true;
        }
        ctx.parser.body_limit(limit);
        co_return false;
    }

private:
    std::int64_t max_size_;
};

} // namespace

HandlerPtr make_request_body(ObjectReader& r, BuildContext&) { return std::make_shared<RequestBody>(r); }

} // namespace proxflow
