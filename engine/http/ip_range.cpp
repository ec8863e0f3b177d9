#include "http/ip_range.hpp"

#include "config/object_reader.hpp"

#include "config/config_error.hpp"

namespace proxflow {

IpRange IpRange::parse(const std::string& text, const std::string& path) {
    IpRange range;
    const auto slash = text.find('/');
    error_code ec;
    range.base_ = asio::ip::make_address(text.substr(0, slash), ec);
    if (ec) throw ConfigError(path, "invalid IP address or CIDR range \"" + text + "\"");
    const unsigned max = range.base_.is_v4() ? 32 : 128;
    range.prefix_ = max;
    if (slash != std::string::npos) {
        try {
            range.prefix_ = static_cast<unsigned>(std::stoul(text.substr(slash + 1)));
        } catch (...) {
            throw ConfigError(path, "invalid CIDR prefix in \"" + text + "\"");
        }
        if (range.prefix_ > max) throw ConfigError(path, "CIDR prefix too long in \"" + text + "\"");
    }
    return range;
}

bool IpRange::contains(const asio::ip::address& raw) const {
    asio::ip::address addr = raw;
    if (addr.is_v6() && addr.to_v6().is_v4_mapped() && base_.is_v4())
        addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    if (addr.is_v4() != base_.is_v4()) return false;
    if (addr.is_v4()) {
        const auto a = addr.to_v4().to_uint(), b = base_.to_v4().to_uint();
        const std::uint32_t mask = prefix_ == 0 ? 0 : ~std::uint32_t(0) << (32 - prefix_);
        return (a & mask) == (b & mask);
    }
    const auto a = addr.to_v6().to_bytes(), b = base_.to_v6().to_bytes();
    unsigned bits = prefix_;
    for (std::size_t i = 0; i < 16 && bits > 0; ++i) {
        const unsigned take = bits >= 8 ? 8 : bits;
        const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - take));
        if ((a[i] & mask) != (b[i] & mask)) return false;
        bits -= take;
    }
    return true;
}

const std::vector<std::string>& private_ranges() {
    static const std::vector<std::string> ranges{"192.168.0.0/16", "172.16.0.0/12", "10.0.0.0/8", "127.0.0.1/8",
                                                 "fd00::/8", "::1"};
    return ranges;
}

std::vector<IpRange> parse_ip_ranges(const std::vector<std::string>& texts, const std::string& path) {
    std::vector<IpRange> out;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        if (texts[i] == "private_ranges")
            for (const auto& range : private_ranges()) out.push_back(IpRange::parse(range, index_path(path, i)));
        else
            out.push_back(IpRange::parse(texts[i], index_path(path, i)));
    }
    return out;
}

} // namespace proxflow
