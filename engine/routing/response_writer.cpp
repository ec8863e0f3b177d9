#include "routing/response_writer.hpp"

#include "http/field_lookup.hpp"
#include "http/request_context.hpp"
#include "http/response_filter.hpp"
#include "routing/header_ops.hpp"

namespace proxflow {

void finalize_response_header(RequestContext& ctx, http::response_header<>& header) {
    for (const HeaderOps* ops : ctx.response_header_ops)
        if (ops->applies_to(header, ctx)) ops->apply(header, ctx);
    for (const auto& [name, value] : ctx.response_headers_to_add) header.insert(name, value);
    if (!field_count(header, http::field::server)) header.set(http::field::server, "ProxFlow");
    header.version(11);
    if (ctx.close_connection || !ctx.client_keep_alive) {
        ctx.close_connection = true;
        header.set(http::field::connection, "close");
    } else if (ctx.client_version == 10) {
        header.set(http::field::connection, "keep-alive");
    }
    ctx.status = header.result_int();
    ctx.responded = true;
}

awaitable<void> write_response(RequestContext& ctx, http::response<http::string_body>& res) {
    finalize_response_header(ctx, res.base());
    if (ctx.request().method() == http::verb::head) {
        res.prepare_payload();
        http::response_serializer<http::string_body> sr{res};
        sr.split(true);
        auto [ec, n] = co_await http::async_write_header(ctx.client, sr, use_nothrow);
        ctx.bytes_written += n;
        if (ec) ctx.close_connection = true;
        co_return;
    }
    res.prepare_payload();
    const unsigned status = res.result_int();
    if (!ctx.response_filters.empty() && status != 204 && status != 304) {
        ResponseBodyWriter body(ctx, res.base());
        co_await body.write(res.body(), true, true);
        co_return;
    }
    auto [ec, n] = co_await http::async_write(ctx.client, res, use_nothrow);
    ctx.bytes_written += n;
    if (!ec) ctx.body_bytes_written += res.body().size();
    if (ec) ctx.close_connection = true;
}

awaitable<void> write_error(RequestContext& ctx, http::status status) {
    http::response<http::string_body> res{status, 11};
    co_await write_response(ctx, res);
}

} // namespace proxflow
