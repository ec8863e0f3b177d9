#include "modules/reverse_proxy/dns_lookup.hpp"

#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <random>

namespace proxflow {
namespace {

// One resolver state per lookup: res_nquery's state is not shared between threads.
class Resolver {
public:
    explicit Resolver(const DnsServers& dns) {
        std::memset(&state_, 0, sizeof state_);
        ok_ = res_ninit(&state_) == 0;
        if (!ok_) return;
        if (!dns.servers.empty()) {
            // glibc notices an edited server list and uses it (resolv_conf_matches fails).
            state_.nscount = static_cast<int>(std::min<std::size_t>(dns.servers.size(), MAXNS));
            for (int i = 0; i < state_.nscount; ++i) {
                const auto& ep = dns.servers[static_cast<std::size_t>(i)];
                sockaddr_in& sa = state_.nsaddr_list[i];
                std::memset(&sa, 0, sizeof sa);
                sa.sin_family = AF_INET;
                sa.sin_port = htons(ep.port());
                const auto bytes = ep.address().to_v4().to_bytes();
                std::memcpy(&sa.sin_addr, bytes.data(), bytes.size());
            }
            // Caddy picks one of its resolvers at random for each query.
            state_.options |= RES_ROTATE;
        }
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(dns.timeout).count();
        state_.retrans = seconds > 0 ? static_cast<int>(seconds) : 2;
        state_.retry = 2;
    }
    ~Resolver() {
        if (ok_) res_nclose(&state_);
    }
    Resolver(const Resolver&) = delete;
    Resolver& operator=(const Resolver&) = delete;

    // The answer section's records of one type, each handed to `take` with the parsed message.
    template <class Take>
    bool query(const std::string& name, int type, std::string& error, Take take) {
        if (!ok_) {
            error = "the resolver could not be initialised";
            return false;
        }
        std::vector<unsigned char> answer(65536);
        const int length = res_nquery(&state_, name.c_str(), ns_c_in, type, answer.data(), static_cast<int>(answer.size()));
        if (length < 0) {
            error = "lookup of " + name + ": " + hstrerror(state_.res_h_errno);
            return false;
        }
        ns_msg message;
        if (ns_initparse(answer.data(), length, &message) != 0) {
            error = "lookup of " + name + ": malformed answer";
            return false;
        }
        for (int i = 0; i < ns_msg_count(message, ns_s_an); ++i) {
            ns_rr record;
            if (ns_parserr(&message, ns_s_an, i, &record) != 0) continue;
            if (ns_rr_type(record) == type) take(message, record);
        }
        return true;
    }

private:
    struct __res_state state_;
    bool ok_ = false;
};

std::vector<asio::ip::address> system_addresses(const std::string& name, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &found); rc != 0) {
        error = "lookup of " + name + ": " + gai_strerror(rc);
        return {};
    }
    std::vector<asio::ip::address> out;
    for (const addrinfo* ai = found; ai; ai = ai->ai_next) {
        asio::ip::address address;
        if (ai->ai_family == AF_INET) {
            const auto* sa = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
            asio::ip::address_v4::bytes_type bytes;
            std::memcpy(bytes.data(), &sa->sin_addr, bytes.size());
            address = asio::ip::address_v4(bytes);
        } else if (ai->ai_family == AF_INET6) {
            const auto* sa = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
            asio::ip::address_v6::bytes_type bytes;
            std::memcpy(bytes.data(), &sa->sin6_addr, bytes.size());
            address = asio::ip::address_v6(bytes);
        } else {
            continue;
        }
        if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
    }
    ::freeaddrinfo(found);
    return out;
}

} // namespace

std::vector<asio::ip::address> lookup_addresses(const std::string& name, const DnsServers& dns, std::string& error) {
    if (dns.servers.empty()) return system_addresses(name, error);
    Resolver resolver(dns);
    std::vector<asio::ip::address> out;
    std::string error_a, error_aaaa;
    const bool a = resolver.query(name, ns_t_a, error_a, [&](const ns_msg&, const ns_rr& rr) {
        if (ns_rr_rdlen(rr) != 4) return;
        asio::ip::address_v4::bytes_type bytes;
        std::memcpy(bytes.data(), ns_rr_rdata(rr), bytes.size());
        out.emplace_back(asio::ip::address_v4(bytes));
    });
    const bool aaaa = resolver.query(name, ns_t_aaaa, error_aaaa, [&](const ns_msg&, const ns_rr& rr) {
        if (ns_rr_rdlen(rr) != 16) return;
        asio::ip::address_v6::bytes_type bytes;
        std::memcpy(bytes.data(), ns_rr_rdata(rr), bytes.size());
        out.emplace_back(asio::ip::address_v6(bytes));
    });
    // Like Go's LookupIPAddr: an answer to either question is an answer.
    if (!a && !aaaa) error = error_a;
    return out;
}

std::vector<SrvRecord> lookup_srv(const std::string& name, const DnsServers& dns, std::string& error) {
    Resolver resolver(dns);
    std::vector<SrvRecord> records;
    resolver.query(name, ns_t_srv, error, [&](const ns_msg& message, const ns_rr& rr) {
        if (ns_rr_rdlen(rr) < 7) return;
        const unsigned char* rdata = ns_rr_rdata(rr);
        SrvRecord record;
        record.priority = static_cast<std::uint16_t>(ns_get16(rdata));
        record.weight = static_cast<std::uint16_t>(ns_get16(rdata + 2));
        record.port = static_cast<std::uint16_t>(ns_get16(rdata + 4));
        std::array<char, NS_MAXDNAME> target{};
        if (dn_expand(ns_msg_base(message), ns_msg_end(message), rdata + 6, target.data(), static_cast<int>(target.size())) < 0)
            return;
        record.target = target.data();
        while (record.target.ends_with('.')) record.target.pop_back();
        records.push_back(std::move(record));
    });
    // RFC 2782: lowest priority first; within one, a weighted random order.
    std::stable_sort(records.begin(), records.end(), [](const SrvRecord& a, const SrvRecord& b) { return a.priority < b.priority; });
    thread_local std::mt19937 random{std::random_device{}()};
    for (auto begin = records.begin(); begin != records.end();) {
        auto end = std::find_if(begin, records.end(), [&](const SrvRecord& r) { return r.priority != begin->priority; });
        for (auto slot = begin; slot != end; ++slot) {
            unsigned total = 0;
            for (auto it = slot; it != end; ++it) total += it->weight;
            if (total == 0) break;
            unsigned pick = std::uniform_int_distribution<unsigned>(0, total - 1)(random);
            auto chosen = slot;
            for (; chosen != end; ++chosen) {
                if (pick < chosen->weight) break;
                pick -= chosen->weight;
            }
            std::rotate(slot, chosen, chosen + 1);
        }
        begin = end;
    }
    return records;
}

} // namespace proxflow
