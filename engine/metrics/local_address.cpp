#include "metrics/local_address.hpp"

namespace proxflow::metrics {

bool is_local_address(const boost::asio::ip::address& a) {
    if (a.is_loopback() || a.is_unspecified()) return true;
    if (a.is_v4()) {
        const auto v = a.to_v4().to_uint();
        return (v >> 24) == 10 || (v >> 20) == (172u << 4 | 1) || (v >> 16) == (192u << 8 | 168) || (v >> 16) == (169u << 8 | 254) ||
               (v >> 22) == (100u << 2 | 1); // 100.64/10, carrier-grade NAT
    }
    const auto v6 = a.to_v6();
    if (v6.is_v4_mapped()) return is_local_address(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
    const auto b = v6.to_bytes();
    return v6.is_link_local() || (b[0] & 0xfe) == 0xfc;
}


bool is_documentation_address(const boost::asio::ip::address& a) {
    if (a.is_v4()) {
        const auto v = a.to_v4().to_uint() >> 8;
        return v == (192u << 16 | 0 << 8 | 2) || v == (198u << 16 | 51 << 8 | 100) || v == (203u << 16 | 0 << 8 | 113);
    }
    const auto v6 = a.to_v6();
    if (v6.is_v4_mapped()) return is_documentation_address(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
    const auto b = v6.to_bytes();
    return b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8;
}

} // namespace proxflow::metrics
