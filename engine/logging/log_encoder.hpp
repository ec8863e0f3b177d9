#pragma once
#include "config/object_reader.hpp"

#include <memory>
#include <string>
#include <vector>

namespace proxflow {

// A log's encoder as ProxFlow runs it: Caddy's json and console encoders (without options), and the
// filter encoder wrapping one of them with the delete, replace, rename, hash and ip_mask field filters
// (as Caddy 2.6.2's modules/logging/filters.go). Everything else is refused at its JSON path.
class LogEncoder {
public:
    // encoder may be null (Caddy's default, json).
    static LogEncoder from_json(const json* encoder, const std::string& path);

    bool console() const { return console_; }
    bool filtered() const { return !filters_->empty(); }
    // The line with the field filters applied (fields named by '>'-joined keys, as "request>headers>Cookie").
    json filter(json line) const;

    bool operator==(const LogEncoder& other) const { return console_ == other.console_ && *filters_ == *other.filters_; }

private:
    struct FieldFilter {
        std::vector<std::string> keys; // the field's path in the line
        std::string type;              // delete, replace, rename, hash, ip_mask
        std::string value;             // replace's value, rename's name
        int ipv4_bits = 0, ipv6_bits = 0; // 0: no mask (Go's nil mask, which prints "<nil>")
        bool operator==(const FieldFilter&) const = default;
    };
    bool console_ = false;
    std::shared_ptr<const std::vector<FieldFilter>> filters_ = std::make_shared<const std::vector<FieldFilter>>();
};

} // namespace proxflow
