// `headers`: request header operations now, response header operations when the response is written.
#include "http/request_context.hpp"
#include "module/handler.hpp"
#include "routing/header_ops.hpp"

namespace proxflow {
namespace {

class Headers final : public Handler {
public:
    explicit Headers(ObjectReader& r) {
        if (const json* req = r.take("request")) request_ = HeaderOps::from_json(*req, r.path_of("request"));
        if (const json* res = r.take("response")) {
            response_ = HeaderOps::from_response_json(*res, r.path_of("response"));
            has_response_ = true;
        }
    }

    awaitable<bool> handle(RequestContext& ctx) const override {
        if (!request_.empty()) request_.apply(ctx.request().base(), ctx);
        if (has_response_) ctx.response_header_ops.push_back(&response_);
        co_return false;
    }

private:
    HeaderOps request_;
    HeaderOps response_;
    bool has_response_ = false;
};

} // namespace

HandlerPtr make_headers(ObjectReader& r, BuildContext&) { return std::make_shared<Headers>(r); }

} // namespace proxflow
