#include "modules/encode/encoder.hpp"

#include <map>
#include <utility>
#include <vector>
#include <zlib.h>
#include <zstd.h>

namespace proxflow {
namespace {

constexpr std::size_t output_step = 16 * 1024;

class GzipEncoder final : public Encoder {
public:
    explicit GzipEncoder(int level) {
        // Caddy's levels: 1..9, -1 zlib's default, -2 Huffman-only (klauspost's HuffmanOnly).
        const int strategy = level == -2 ? Z_HUFFMAN_ONLY : Z_DEFAULT_STRATEGY;
        if (level == -2) level = 1;
        if (deflateInit2(&z_, level, Z_DEFLATED, 15 + 16 /* gzip wrapper */, 8, strategy) != Z_OK) throw std::bad_alloc();
    }
    ~GzipEncoder() override { deflateEnd(&z_); }

    void compress(std::string_view in, bool flush, bool last, std::string& out) override {
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        z_.avail_in = static_cast<uInt>(in.size());
        const int mode = last ? Z_FINISH : flush ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        for (;;) {
            const std::size_t used = out.size();
            out.resize(used + output_step);
            z_.next_out = reinterpret_cast<Bytef*>(out.data() + used);
            z_.avail_out = static_cast<uInt>(output_step);
            const int rc = deflate(&z_, mode);
            out.resize(used + output_step - z_.avail_out);
            if (rc == Z_STREAM_ERROR || rc == Z_STREAM_END) return;
            // Output space left over means deflate has taken all input and emitted what mode asks.
            if (z_.avail_out != 0) return;
        }
    }
    void reset() override { deflateReset(&z_); }

private:
    z_stream z_{};
};

class ZstdEncoder final : public Encoder {
public:
    ZstdEncoder() : cctx_(ZSTD_createCCtx()) {
        if (!cctx_) throw std::bad_alloc();
        // Caddy's zstd: the default speed (level 3) and a 128 KiB window, which clients decode cheaply.
        ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, 3);
        ZSTD_CCtx_setParameter(cctx_, ZSTD_c_windowLog, 17);
    }
    ~ZstdEncoder() override { ZSTD_freeCCtx(cctx_); }

    void compress(std::string_view in, bool flush, bool last, std::string& out) override {
        ZSTD_inBuffer input{in.data(), in.size(), 0};
        const ZSTD_EndDirective mode = last ? ZSTD_e_end : flush ? ZSTD_e_flush : ZSTD_e_continue;
        for (;;) {
            const std::size_t used = out.size();
            const std::size_t step = ZSTD_CStreamOutSize();
            out.resize(used + step);
            ZSTD_outBuffer output{out.data() + used, step, 0};
            const std::size_t remaining = ZSTD_compressStream2(cctx_, &output, &input, mode);
            out.resize(used + output.pos);
            if (ZSTD_isError(remaining)) return;
            if (mode == ZSTD_e_continue ? input.pos == input.size : remaining == 0) return;
        }
    }
    void reset() override { ZSTD_CCtx_reset(cctx_, ZSTD_reset_session_only); }

private:
    ZSTD_CCtx* cctx_;
};

std::unique_ptr<Encoder> make_encoder(const EncodingSpec& spec) {
    if (spec.name == "zstd") return std::make_unique<ZstdEncoder>();
    return std::make_unique<GzipEncoder>(spec.level);
}

using FreeList = std::map<std::pair<std::string, int>, std::vector<std::unique_ptr<Encoder>>>;
FreeList& free_list() {
    thread_local FreeList list;
    return list;
}

} // namespace

EncoderLease::EncoderLease(const EncodingSpec& spec) : spec_(spec) {
    auto& free = free_list()[{spec.name, spec.level}];
    if (free.empty()) {
        encoder_ = make_encoder(spec);
    } else {
        encoder_ = std::move(free.back());
        free.pop_back();
    }
}

EncoderLease::~EncoderLease() {
    auto& free = free_list()[{spec_.name, spec_.level}];
    if (free.size() >= 16) return;
    encoder_->reset();
    free.push_back(std::move(encoder_));
}

} // namespace proxflow
