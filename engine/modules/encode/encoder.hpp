#pragma once
#include <memory>
#include <string>
#include <string_view>

namespace proxflow {

// One encoding a handler offers, as Caddy's http.encoders modules: "gzip" (with its level) or "zstd".
struct EncodingSpec {
    std::string name;
    int level = 0; // gzip only; already defaulted (Caddy's 5)
};

// A streaming compressor of one response body at a time.
class Encoder {
public:
    virtual ~Encoder() = default;
    // Appends the compressed form of `in` to out. flush: end a block so that all input so far can be
    // decoded by the client now; last: finish the stream (trailer written).
    virtual void compress(std::string_view in, bool flush, bool last, std::string& out) = 0;
    // Makes it ready for a new stream.
    virtual void reset() = 0;
};

// An encoder borrowed from the calling thread's free list for one response (Caddy keeps a
// sync.Pool per encoding): creating a compressor costs hundreds of KiB of tables.
class EncoderLease {
public:
    explicit EncoderLease(const EncodingSpec& spec);
    ~EncoderLease();
    EncoderLease(const EncoderLease&) = delete;
    EncoderLease& operator=(const EncoderLease&) = delete;
    Encoder& operator*() const { return *encoder_; }
    Encoder* operator->() const { return encoder_.get(); }

private:
    EncodingSpec spec_;
    std::unique_ptr<Encoder> encoder_;
};

} // namespace proxflow
