#include "logging/log_encoder.hpp"

#include <arpa/inet.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>

namespace proxflow {
namespace {

bool plain_format(const json& encoder, const std::string& path) {
    ObjectReader e(encoder, path);
    const std::string format = e.string("format", "json");
    if (format != "json" && format != "console")
        throw ConfigError(e.path_of("format"), "log format \"" + format + "\" is not supported by ProxFlow yet");
    // Caddy's encoder options (time_format, message_key …) would change the line: refused, not ignored.
    for (auto f = encoder.begin(); f != encoder.end(); ++f)
        if (f.key() != "format") throw ConfigError(e.path_of(f.key()), "the log encoder option \"" + f.key() + "\" is not supported by ProxFlow yet");
    e.finish();
    return format == "console";
}

// Caddy's hash filter: the first 4 bytes of the SHA-256, in hex. (Caddy 2.6.2 hashes a header's values in
// place and its access line encodes them twice, so its lines show the hash of the hash; this hashes once.)
std::string hash(const std::string& s) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), digest);
    char hex[9];
    std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", digest[0], digest[1], digest[2], digest[3]);
    return hex;
}

// The first `bits` bits of an address kept, the rest zeroed, printed back.
std::string masked_text(int family, unsigned char* address, int length, int bits) {
    for (int i = 0; i < length; ++i) address[i] &= static_cast<unsigned char>(0xff00 >> std::clamp(bits - i * 8, 0, 8));
    char out[INET6_ADDRSTRLEN];
    return inet_ntop(family, address, out, sizeof out);
}

// Go's net.IP.Mask(CIDRMask(bits)).String(); bits 0 is a nil mask, which Go prints as "<nil>".
std::string mask_ip(const std::string& host, int v4_bits, int v6_bits, bool& is_ip) {
    unsigned char a[16];
    is_ip = true;
    if (inet_pton(AF_INET, host.c_str(), a) == 1) return v4_bits == 0 ? "<nil>" : masked_text(AF_INET, a, 4, v4_bits);
    if (host.find('%') == std::string::npos && inet_pton(AF_INET6, host.c_str(), a) == 1) {
        const bool v4_mapped = std::all_of(a, a + 10, [](unsigned char c) { return c == 0; }) && a[10] == 0xff && a[11] == 0xff;
        if (v4_mapped) return v4_bits == 0 ? "<nil>" : masked_text(AF_INET, a + 12, 4, v4_bits);
        return v6_bits == 0 ? "<nil>" : masked_text(AF_INET6, a, 16, v6_bits);
    }
    is_ip = false;
    return host;
}

// Caddy's IPMaskFilter.mask: each comma-separated value, with or without a port.
std::string mask(const std::string& s, int v4_bits, int v6_bits) {
    std::string out;
    for (std::size_t start = 0; start <= s.size();) {
        std::size_t comma = s.find(',', start);
        if (comma == std::string::npos) comma = s.size();
        std::string value = s.substr(start, comma - start);
        value.erase(0, value.find_first_not_of(" \t\r\n"));
        value.erase(value.find_last_not_of(" \t\r\n") + 1);
        std::string host = value, port;
        if (value.starts_with("[") && value.find("]:") != std::string::npos) {
            host = value.substr(1, value.find("]:") - 1);
            port = value.substr(value.find("]:") + 2);
        } else if (std::count(value.begin(), value.end(), ':') == 1) {
            host = value.substr(0, value.find(':'));
            port = value.substr(value.find(':') + 1);
        }
        bool is_ip = false;
        const std::string masked = mask_ip(host, v4_bits, v6_bits, is_ip);
        if (!is_ip) out += value;
        else if (port.empty()) out += masked;
        else out += (masked.find(':') != std::string::npos ? "[" + masked + "]" : masked) + ":" + port;
        out += ", ";
        start = comma + 1;
    }
    return out.substr(0, out.size() - 2);
}

} // namespace

LogEncoder LogEncoder::from_json(const json* encoder, const std::string& path) {
    LogEncoder out;
    if (!encoder) return out;
    expect_object(*encoder, path);
    if (encoder->value("format", "") != "filter") {
        out.console_ = plain_format(*encoder, path);
        return out;
    }
    ObjectReader e(*encoder, path);
    e.string("format");
    const json* wrap = e.take("wrap");
    if (!wrap) throw ConfigError(e.path_of("wrap"), "missing \"wrap\" (must specify an underlying encoder)");
    expect_object(*wrap, e.path_of("wrap"));
    out.console_ = plain_format(*wrap, e.path_of("wrap"));
    std::vector<FieldFilter> filters;
    if (const json* fields = e.take("fields")) {
        expect_object(*fields, e.path_of("fields"));
        for (auto it = fields->begin(); it != fields->end(); ++it) {
            ObjectReader f(it.value(), join_path(e.path_of("fields"), it.key()));
            FieldFilter filter;
            for (std::size_t start = 0;;) {
                const auto gt = it.key().find('>', start);
                filter.keys.push_back(it.key().substr(start, gt == std::string::npos ? std::string::npos : gt - start));
                if (gt == std::string::npos) break;
                start = gt + 1;
            }
            filter.type = f.string("filter");
            if (filter.type == "replace") filter.value = f.string("value");
            else if (filter.type == "rename") filter.value = f.string("name");
            else if (filter.type == "ip_mask") {
                filter.ipv4_bits = static_cast<int>(f.integer("ipv4_cidr", 0));
                filter.ipv6_bits = static_cast<int>(f.integer("ipv6_cidr", 0));
                if (filter.ipv4_bits < 0 || filter.ipv4_bits > 32) throw ConfigError(f.path_of("ipv4_cidr"), "expected 0 to 32 bits");
                if (filter.ipv6_bits < 0 || filter.ipv6_bits > 128) throw ConfigError(f.path_of("ipv6_cidr"), "expected 0 to 128 bits");
            } else if (filter.type != "delete" && filter.type != "hash")
                throw ConfigError(f.path_of("filter"), "the log field filter \"" + filter.type + "\" is not supported by ProxFlow yet");
            f.finish();
            filters.push_back(std::move(filter));
        }
    }
    e.finish();
    out.filters_ = std::make_shared<const std::vector<FieldFilter>>(std::move(filters));
    return out;
}

json LogEncoder::filter(json line) const {
    for (const auto& f : *filters_) {
        json* parent = &line;
        for (std::size_t i = 0; parent && i + 1 < f.keys.size(); ++i)
            parent = parent->is_object() && parent->contains(f.keys[i]) ? &(*parent)[f.keys[i]] : nullptr;
        if (!parent || !parent->is_object() || !parent->contains(f.keys.back())) continue;
        json& field = (*parent)[f.keys.back()];
        const auto each_string = [&](const auto& change) {
            if (field.is_string()) field = change(field.get<std::string>());
            else if (field.is_array())
                for (auto& v : field)
                    if (v.is_string()) v = change(v.get<std::string>());
        };
        if (f.type == "delete") parent->erase(f.keys.back());
        else if (f.type == "replace") field = f.value;
        else if (f.type == "hash") each_string(hash);
        else if (f.type == "ip_mask") each_string([&](const std::string& s) { return mask(s, f.ipv4_bits, f.ipv6_bits); });
        else if (f.type == "rename") {
            json moved = std::move(field);
            parent->erase(f.keys.back());
            (*parent)[f.value] = std::move(moved);
        }
    }
    return line;
}

} // namespace proxflow
