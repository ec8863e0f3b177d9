// `headers`: request header operations now, response header operations when the response is written.
#include "module/handler.hpp"
#include "modules/headers/header_ops.hpp"
#include "http/request_context.hpp"

namespace proxflow {
namespace {

class Headers final : public Handler {
public:
    explicit Headers(ObjectReader& r) {
        if (const json* req = r.take("request")) request_ = HeaderOps::from_json(*req, r.path_of("request"));
        if (const json* res = r.take("response")) {
            const std::string path = r.path_of("response");
            json ops = expect_object(*res, path);
            // require and deferred belong to the response form only; the rest are plain header ops.
            if (ops.contains("require")) {
                ObjectReader require(ops["require"], join_path(path, "require"));
                for (int code : require.integers("status_code")) response_.require_status.push_back(code);
                require.take("headers");
                require.finish();
                ops.erase("require");
            }
            ops.erase("deferred");
            auto require_status = response_.require_status;
            response_ = HeaderOps::from_json(ops, path);
            response_.require_status = std::move(require_status);
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
