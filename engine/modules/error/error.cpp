// `error`: ends the request with an HTTP error (Caddy's StaticError). With no error routes, which
// ProxFlow does not run yet (handle_errors), Caddy answers the status with an empty body; so does this.
#include "http/request_context.hpp"
#include "module/handler.hpp"
#include "routing/response_writer.hpp"
#include "routing/status_code.hpp"

namespace proxflow {
namespace {

class Error final : public Handler {
public:
    explicit Error(ObjectReader& r) : status_(read_status_code(r)) { r.string("error"); }

    awaitable<bool> handle(RequestContext& ctx) const override {
        co_await write_error(ctx, static_cast<http::status>(render_status_code(status_, ctx, 500)));
        co_return true;
    }

private:
    Template status_;
};

} // namespace

HandlerPtr make_error(ObjectReader& r, BuildContext&) { return std::make_shared<Error>(r); }

} // namespace proxflow
