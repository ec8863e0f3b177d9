#pragma once
#include "http/beast.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace proxflow {

// Where DNS questions go: the listed servers (IPv4, UDP), or the system's when empty.
struct DnsServers {
    std::vector<asio::ip::udp::endpoint> servers;
    std::chrono::nanoseconds timeout{}; // per try; 0: 2 s
};

struct SrvRecord {
    std::uint16_t priority = 0;
    std::uint16_t weight = 0;
    std::uint16_t port = 0;
    std::string target; // without the trailing dot
};

// Blocking lookups with glibc's resolver (res_nquery, parsed with ns_parserr); with no servers, A and
// AAAA go through getaddrinfo so /etc/hosts applies, as Go's resolver does. Run them off the
// request threads. On failure the result is empty and error says why.
std::vector<asio::ip::address> lookup_addresses(const std::string& name, const DnsServers& dns, std::string& error);
// SRV records ordered as RFC 2782 asks: by priority, then weighted-random within a priority.
std::vector<SrvRecord> lookup_srv(const std::string& name, const DnsServers& dns, std::string& error);

} // namespace proxflow
