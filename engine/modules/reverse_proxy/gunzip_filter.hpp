#pragma once
#include "http/response_filter.hpp"

#include <zlib.h>

namespace proxflow {

// The transport's transparent decompression (Go's gzipReader): a response the proxy asked gzip for
// reaches the client gunzipped. Installed by reverse_proxy as the innermost response filter, so
// encode sees the plain body; the header has lost Content-Encoding and Content-Length already.
class GunzipFilter final : public ResponseFilter {
public:
    GunzipFilter();
    ~GunzipFilter() override;
    GunzipFilter(const GunzipFilter&) = delete;
    GunzipFilter& operator=(const GunzipFilter&) = delete;

    bool start(http::response_header<>&, std::uint64_t, bool) override { return true; }
    void transform(std::string_view in, bool flush, bool last, std::string& out) override;
    bool failed() const override { return failed_; }

private:
    z_stream z_{};
    bool failed_ = false;
    bool seen_input_ = false;
    bool member_ended_ = false; // a gzip member ended; more input starts the next (as Go's multistream)
};

} // namespace proxflow
