#include "modules/reverse_proxy/gunzip_filter.hpp"

#include <new>

namespace proxflow {

GunzipFilter::GunzipFilter() {
    if (inflateInit2(&z_, 16 + MAX_WBITS /* gzip wrapper only */) != Z_OK) throw std::bad_alloc();
}

GunzipFilter::~GunzipFilter() { inflateEnd(&z_); }

void GunzipFilter::transform(std::string_view in, bool, bool last, std::string& out) {
    constexpr std::size_t output_step = 64 * 1024;
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    if (!in.empty()) seen_input_ = true;
    while (!failed_) {
        if (member_ended_) {
            if (z_.avail_in == 0) break;
            inflateReset(&z_);
            member_ended_ = false;
        }
        const std::size_t used = out.size();
        out.resize(used + output_step);
        z_.next_out = reinterpret_cast<Bytef*>(out.data() + used);
        z_.avail_out = static_cast<uInt>(output_step);
        const int rc = inflate(&z_, Z_NO_FLUSH);
        out.resize(used + output_step - z_.avail_out);
        if (rc == Z_STREAM_END) member_ended_ = true;
        else if (rc != Z_OK && !(rc == Z_BUF_ERROR && z_.avail_in == 0)) failed_ = true;
        // Output room left over: inflate has taken all it can for now.
        else if (z_.avail_out != 0 && z_.avail_in == 0) break;
    }
    // A body that ends inside a gzip member is cut short (Go: unexpected EOF); an empty one is empty.
    if (last && seen_input_ && !member_ended_) failed_ = true;
}

} // namespace proxflow
