// `encode`: compresses responses with the best encoding the client accepts (Caddy's
// http.handlers.encode), through a ResponseFilter so that every handler's responses stream
// through it: static responses, proxied bodies of any length, chunked or not.
#include "http/accept_encoding.hpp"
#include "http/request_context.hpp"
#include "module/handler.hpp"
#include "modules/encode/encoder.hpp"
#include "modules/reverse_proxy/response_handlers.hpp"

#include <algorithm>
#include <optional>

namespace proxflow {
namespace {

// Caddy's default match when none is given: common text-based content types.
const json& default_match() {
    static const json match = {{"headers",
                                {{"Content-Type",
                                  {"text/*", "application/json*", "application/javascript*", "application/xhtml+xml*",
                                   "application/atom+xml*", "application/rss+xml*", "image/svg+xml*"}}}}};
    return match;
}

struct EncodeConfig {
    std::vector<EncodingSpec> encodings; // in the config's order
    std::vector<std::string> offered;    // their names
    std::vector<std::string> prefer;
    std::uint64_t minimum_length = 512; // Caddy's defaultMinLength
    ResponseMatcher match;

    static EncodeConfig from_json(ObjectReader& r) {
        EncodeConfig c;
        if (const json* encodings = r.take("encodings")) {
            const std::string path = r.path_of("encodings");
            expect_object(*encodings, path);
            for (auto it = encodings->begin(); it != encodings->end(); ++it) {
                ObjectReader e(it.value(), join_path(path, it.key()));
                EncodingSpec spec{it.key(), 0};
                if (it.key() == "gzip") {
                    spec.level = static_cast<int>(e.integer("level"));
                    if (spec.level == 0) spec.level = 5; // Caddy's defaultGzipLevel
                    if (spec.level == -3)
                        throw ConfigError(e.path_of("level"), "gzip level -3 (stateless) is not supported by ProxFlow yet");
                    if (spec.level < -2 || spec.level > 9)
                        throw ConfigError(e.path_of("level"), "gzip level must be between -2 and 9");
                } else if (it.key() != "zstd") {
                    throw ConfigError(join_path(path, it.key()), "encoding \"" + it.key() + "\" is not supported by ProxFlow yet");
                }
                e.finish();
                c.encodings.push_back(spec);
                c.offered.push_back(spec.name);
            }
        }
        c.prefer = r.strings("prefer");
        for (std::size_t i = 0; i < c.prefer.size(); ++i) {
            const std::string& name = c.prefer[i];
            if (std::find(c.offered.begin(), c.offered.end(), name) == c.offered.end())
                throw ConfigError(index_path(r.path_of("prefer"), i), "encoding " + name + " not enabled");
            if (std::find(c.prefer.begin(), c.prefer.begin() + static_cast<std::ptrdiff_t>(i), name) != c.prefer.begin() + static_cast<std::ptrdiff_t>(i))
                throw ConfigError(index_path(r.path_of("prefer"), i), "encoding " + name + " is duplicated in prefer");
        }
        const std::int64_t min = r.integer("minimum_length");
        if (min < 0) throw ConfigError(r.path_of("minimum_length"), "minimum_length cannot be negative");
        if (min > 0) c.minimum_length = static_cast<std::uint64_t>(min);
        const json* match = r.take("match");
        c.match = ResponseMatcher::from_json(match ? *match : default_match(), r.path_of("match"));
        return c;
    }
};

// One response's encoding: decides at the header (never twice, never below minimum_length, only
// matching responses), then compresses each piece as it passes.
class EncodeFilter final : public ResponseFilter {
public:
    EncodeFilter(const EncodeConfig& config, const EncodingSpec& spec) : config_(config), spec_(spec) {}

    std::size_t lookahead() const override { return config_.minimum_length; }

    bool start(http::response_header<>& header, std::uint64_t body_length, bool length_exact) override {
        if (!header[http::field::content_encoding].empty()) return false;
        if (length_exact && body_length <= config_.minimum_length) return false;
        if (!config_.match.match(header)) return false;
        encoder_.emplace(spec_);
        header.erase(http::field::content_length);
        header.set(http::field::content_encoding, spec_.name);
        header.insert(http::field::vary, "Accept-Encoding");
        header.erase(http::field::accept_ranges); // ranges of the encoded form are unknown
        return true;
    }

    void transform(std::string_view in, bool flush, bool last, std::string& out) override {
        (*encoder_)->compress(in, flush, last, out);
    }

private:
    const EncodeConfig& config_;
    const EncodingSpec& spec_;
    std::optional<EncoderLease> encoder_;
};

class Encode final : public Handler {
public:
    explicit Encode(ObjectReader& r) : config_(EncodeConfig::from_json(r)) {}

    awaitable<bool> handle(RequestContext& ctx) const override {
        const auto& req = ctx.request();
        const auto accept = req[http::field::accept_encoding];
        if (accept.empty() || config_.encodings.empty()) co_return false;
        const bool websocket = !req[http::field::sec_websocket_key].empty();
        for (const auto& name : accepted_encodings(accept, websocket, config_.prefer, config_.offered)) {
            const auto it = std::find_if(config_.encodings.begin(), config_.encodings.end(),
                                         [&](const EncodingSpec& s) { return s.name == name; });
            if (it == config_.encodings.end()) continue; // not offered (identity, br ...)
            ctx.response_filters.push_back(std::make_unique<EncodeFilter>(config_, *it));
            break;
        }
        co_return false;
    }

private:
    EncodeConfig config_;
};

} // namespace

HandlerPtr make_encode(ObjectReader& r, BuildContext&) { return std::make_shared<Encode>(r); }

} // namespace proxflow
