// Caddy's load-balancing selection policies, one small class each.
#include "modules/reverse_proxy/lb_policies.hpp"

#include "modules/reverse_proxy/adaptive_policy.hpp"
#include "modules/reverse_proxy/random_draw.hpp"

#include "http/client_ip.hpp"
#include "http/request_context.hpp"
#include "routing/server_runtime.hpp"

#include <openssl/hmac.h>

#include <atomic>
#include <functional>
#include <map>
#include <stdexcept>

namespace proxflow {
namespace {

std::uint64_t hash64(std::string_view a, std::string_view b) {
    std::uint64_t h = 1469598103934665603ull;
    for (char c : a) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    for (char c : b) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

const Upstream* random_available(const std::vector<Upstream>& pool) {
    // Reservoir sampling over the available ones, so one pass and no allocation.
    const Upstream* chosen = nullptr;
    std::uint64_t seen = 0;
    for (const auto& up : pool) {
        if (!up.available()) continue;
        if (random_below(++seen) == 0) chosen = &up;
    }
    return chosen;
}

// Rendezvous hashing: the same key keeps its upstream while the others come and go.
const Upstream* by_hash(const std::vector<Upstream>& pool, std::string_view key) {
    const Upstream* chosen = nullptr;
    std::uint64_t best = 0;
    for (const auto& up : pool) {
        if (!up.available()) continue;
        const auto h = hash64(up.dial, key);
        if (!chosen || h > best) {
            best = h;
            chosen = &up;
        }
    }
    return chosen;
}

class RandomPolicy final : public SelectionPolicy {
public:
    const Upstream* select(const std::vector<Upstream>& pool, RequestContext&) const override { return random_available(pool); }
};

class RandomChoosePolicy final : public SelectionPolicy {
public:
    explicit RandomChoosePolicy(int choose) : choose_(choose) {}
    const Upstream* select(const std::vector<Upstream>& pool, RequestContext&) const override {
        // Choose N distinct available upstreams at random, then the least loaded of them.
        std::vector<const Upstream*> sample;
        std::uint64_t seen = 0;
        for (const auto& up : pool) {
            if (!up.available()) continue;
            ++seen;
            if (sample.size() < static_cast<std::size_t>(choose_)) sample.push_back(&up);
            else if (auto j = random_below(seen); j < static_cast<std::uint64_t>(choose_)) sample[j] = &up;
        }
        // The least loaded of the sample; ties broken at random so every upstream gets its share.
        const Upstream* best = nullptr;
        std::uint64_t ties = 0;
        for (const auto* up : sample) {
            if (!best || up->host->active_requests < best->host->active_requests) {
                best = up;
                ties = 1;
            } else if (up->host->active_requests == best->host->active_requests && random_below(++ties) == 0) {
                best = up;
            }
        }
        return best;
    }

private:
    int choose_;
};

class FirstPolicy final : public SelectionPolicy {
public:
    const Upstream* select(const std::vector<Upstream>& pool, RequestContext&) const override {
        for (const auto& up : pool)
            if (up.available()) return &up;
        return nullptr;
    }
};

class RoundRobinPolicy final : public SelectionPolicy {
public:
    const Upstream* select(const std::vector<Upstream>& pool, RequestContext&) const override {
        const std::size_t n = pool.size();
        for (std::size_t i = 0; i < n; ++i) {
            const auto& up = pool[next_.fetch_add(1, std::memory_order_relaxed) % n];
            if (up.available()) return &up;
        }
        return nullptr;
    }

private:
    mutable std::atomic<std::size_t> next_{0};
};

// Smooth weighted round robin spread over a fixed cycle: weight w gets w slots out of the sum.
class WeightedRoundRobinPolicy final : public SelectionPolicy {
public:
    WeightedRoundRobinPolicy(std::vector<int> weights, std::size_t upstreams) {
        weights.resize(upstreams, weights.empty() ? 1 : 0);
        // Interleave the slots (1,2,1,2,1 rather than 1,1,1,2,2) with the smooth WRR walk.
        std::vector<int> current(weights.size(), 0);
        int total = 0;
        for (int w : weights) total += w;
        for (int step = 0; step < total; ++step) {
            std::size_t best = 0;
            for (std::size_t i = 0; i < weights.size(); ++i) {
                current[i] += weights[i];
                if (current[i] > current[best]) best = i;
            }
            current[best] -= total;
            cycle_.push_back(best);
        }
    }
    const Upstream* select(const std::vector<Upstream>& pool, RequestContext&) const override {
        if (cycle_.empty()) return nullptr;
        for (std::size_t i = 0; i < cycle_.size(); ++i) {
            const std::size_t index = cycle_[next_.fetch_add(1, std::memory_order_relaxed) % cycle_.size()];
            if (index < pool.size() && pool[index].available()) return &pool[index];
        }
        return nullptr;
    }

private:
    std::vector<std::size_t> cycle_;
    mutable std::atomic<std::size_t> next_{0};
};

class LeastConnPolicy final : public SelectionPolicy {
public:
    const Upstream* select(const std::vector<Upstream>& pool, RequestContext&) const override {
        const Upstream* best = nullptr;
        int best_count = 0;
        std::uint64_t ties = 0;
        for (const auto& up : pool) {
            if (!up.available()) continue;
            const int count = up.host->active_requests.load(std::memory_order_relaxed);
            if (!best || count < best_count) {
                best = &up;
                best_count = count;
                ties = 1;
            } else if (count == best_count && random_below(++ties) == 0) {
                best = &up;
            }
        }
        return best;
    }
};

// A request without a key goes to the fallback policy (Caddy's `fallback`, random by default).
class KeyHashPolicy final : public SelectionPolicy {
public:
    using KeyOf = std::function<bool(const RequestContext&, std::string&)>;
    KeyHashPolicy(KeyOf key_of, std::unique_ptr<SelectionPolicy> fallback)
        : key_of_(std::move(key_of)), fallback_(std::move(fallback)) {}
    const Upstream* select(const std::vector<Upstream>& pool, RequestContext& ctx) const override {
        std::string key;
        if (!key_of_(ctx, key)) return fallback_ ? fallback_->select(pool, ctx) : random_available(pool);
        return by_hash(pool, key);
    }

private:
    KeyOf key_of_;
    std::unique_ptr<SelectionPolicy> fallback_;
};

// Sticky sessions: the cookie holds an HMAC of the chosen upstream's address.
class CookiePolicy final : public SelectionPolicy {
public:
    CookiePolicy(std::string name, std::string secret, std::unique_ptr<SelectionPolicy> fallback)
        : name_(std::move(name)), secret_(std::move(secret)), fallback_(std::move(fallback)) {}
    const Upstream* select(const std::vector<Upstream>& pool, RequestContext& ctx) const override {
        std::string wanted;
        for (const auto& field : ctx.request()) {
            if (field.name() != http::field::cookie) continue;
            const std::string cookies = ";" + std::string(field.value()); // param_list views it: keep it alive
            for (const auto& cookie : http::param_list(cookies))
                if (cookie.first == name_) wanted = std::string(cookie.second);
        }
        if (!wanted.empty())
            for (const auto& up : pool)
                if (up.available() && sign(up.dial) == wanted) return &up;
        const Upstream* chosen = fallback_->select(pool, ctx);
        if (chosen) ctx.response_headers_to_add.emplace_back("Set-Cookie", name_ + "=" + sign(chosen->dial) + "; Path=/");
        return chosen;
    }

private:
    std::string sign(const std::string& dial) const {
        if (secret_.empty()) return dial;
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
             reinterpret_cast<const unsigned char*>(dial.data()), dial.size(), mac, &len);
        static const char* hex = "0123456789abcdef";
        std::string out;
        for (unsigned i = 0; i < len; ++i) {
            out += hex[mac[i] >> 4];
            out += hex[mac[i] & 15];
        }
        return out;
    }
    std::string name_, secret_;
    std::unique_ptr<SelectionPolicy> fallback_;
};

} // namespace

std::unique_ptr<SelectionPolicy> make_selection_policy(const SelectionPolicyConfig* config, std::size_t upstream_count) {
    if (!config) return std::make_unique<RandomPolicy>();
    const std::string& name = config->policy;
    // Caddy 2.7's `fallback` of the query, header and cookie policies: for requests without their key.
    const auto fallback = [&] { return make_selection_policy(config->fallback.get(), upstream_count); };
    if (name == "random" || name.empty()) return std::make_unique<RandomPolicy>();
    if (name == "random_choose") return std::make_unique<RandomChoosePolicy>(config->choose ? config->choose : 2);
    if (name == "first") return std::make_unique<FirstPolicy>();
    if (name == "round_robin") return std::make_unique<RoundRobinPolicy>();
    if (name == "weighted_round_robin") return std::make_unique<WeightedRoundRobinPolicy>(config->weights, upstream_count);
    if (name == "least_conn") return std::make_unique<LeastConnPolicy>();
    if (name == "adaptive") {
        AdaptiveSettings settings;
        if (config->history_length) settings.history_length = config->history_length;
        if (config->update_interval.count()) settings.update_interval = config->update_interval;
        if (config->alpha) settings.alpha = config->alpha;
        return make_adaptive_policy(settings);
    }
    if (name == "ip_hash")
        return std::make_unique<KeyHashPolicy>(
            [](const RequestContext& ctx, std::string& key) {
                key = ip_text(ctx.remote.address());
                return true;
            },
            nullptr);
    if (name == "client_ip_hash")
        // The client IP: from the server's client_ip_headers when the peer is a trusted proxy.
        return std::make_unique<KeyHashPolicy>(
            [](const RequestContext& ctx, std::string& key) {
                key = ip_text(client_ip_of(ctx));
                return true;
            },
            nullptr);
    if (name == "uri_hash")
        return std::make_unique<KeyHashPolicy>(
            [](const RequestContext& ctx, std::string& key) {
                key = std::string(ctx.request().target());
                return true;
            },
            nullptr);
    if (name == "query")
        return std::make_unique<KeyHashPolicy>([key_name = config->key](const RequestContext& ctx, std::string& key) {
            const std::string_view target = ctx.request().target();
            const auto q = target.find('?');
            if (q == std::string_view::npos) return false;
            const std::string_view query = target.substr(q + 1);
            std::size_t pos = 0;
            while (pos < query.size()) {
                auto amp = query.find('&', pos);
                if (amp == std::string_view::npos) amp = query.size();
                const auto pair = query.substr(pos, amp - pos);
                const auto eq = pair.find('=');
                if (pair.substr(0, eq) == key_name && eq != std::string_view::npos) {
                    key = std::string(pair.substr(eq + 1));
                    return !key.empty();
                }
                pos = amp + 1;
            }
            return false;
        }, fallback());
    if (name == "header")
        return std::make_unique<KeyHashPolicy>([field = config->field](const RequestContext& ctx, std::string& key) {
            key = std::string(ctx.request()[field]);
            return !key.empty();
        }, fallback());
    if (name == "cookie") return std::make_unique<CookiePolicy>(config->name.empty() ? "lb" : config->name, config->secret, fallback());
    throw std::logic_error("selection policy \"" + name + "\" passed validation but has no runtime");
}

} // namespace proxflow
