#pragma once
#include "http/beast.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace proxflow {

struct RequestContext;

// A transformation of the response body that a handler installs for the rest of its chain, as
// Caddy's middlewares wrap the ResponseWriter (encode). Handlers push filters onto
// ctx.response_filters; every response path that writes a body goes through ResponseBodyWriter.
class ResponseFilter {
public:
    virtual ~ResponseFilter() = default;
    // Body bytes to see before start() when the header gives no length (e.g. encode's minimum_length).
    virtual std::size_t lookahead() const { return 0; }
    // Called once with the finished header before it is sent. body_length is exact when length_exact
    // (Content-Length, or the whole body was held back), else the bytes held back so far, more to come.
    // Returns whether this filter transforms the body; it may edit the header.
    virtual bool start(http::response_header<>& header, std::uint64_t body_length, bool length_exact) = 0;
    // Appends the transformed form of `in` to out. flush: emit everything so far (the source has
    // nothing more ready); last: the body ends here.
    virtual void transform(std::string_view in, bool flush, bool last, std::string& out) = 0;
    // The body could not be transformed (a corrupt gzip stream): the response is cut off there.
    virtual bool failed() const { return false; }
};

// Writes one response (header, then body pieces) to the client through the request's filters: holds
// back the largest lookahead, lets the filters decide innermost first (the last installed sees the
// response first, as Caddy's innermost wrapper does), then frames what they produce. A transformed
// body has no known length: chunked for HTTP/1.1 clients, read-to-close for HTTP/1.0.
class ResponseBodyWriter {
public:
    // header: finalized (finalize_response_header) and framed for the untransformed body.
    ResponseBodyWriter(RequestContext& ctx, http::response_header<>& header);
    // Returns false when writing to the client failed or a filter failed (the connection is then
    // marked to close, and a chunked body gets no last chunk, so the client sees it cut short).
    awaitable<bool> write(std::string_view piece, bool flush, bool last);

private:
    void start_filters(std::uint64_t body_length, bool length_exact);
    awaitable<bool> send(std::string_view body, bool last);

    RequestContext& ctx_;
    http::response_header<>& header_;
    std::vector<ResponseFilter*> active_;
    std::size_t lookahead_ = 0;
    bool started_ = false;
    bool head_sent_ = false;
    bool chunked_ = false;
    std::string held_, out_a_, out_b_, head_;
};

} // namespace proxflow
