#include "modules/rate_limit/redis_sync.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

namespace proxflow::rate_limit {
namespace {

// Keys per pipeline: one round trip each, and no reply batch grows with the number of keys.
constexpr std::size_t keys_per_pipeline = 512;

// A counter's total from INCRBY (integer) or GET (its text); nullopt when Redis no longer has it.
std::optional<std::int64_t> total_of(const redis::Reply& r) {
    if (r.type == redis::Reply::Type::integer) return r.integer;
    std::int64_t value = 0;
    if (r.type == redis::Reply::Type::string) {
        const auto [end, ec] = std::from_chars(r.str.data(), r.str.data() + r.str.size(), value);
        if (ec == std::errc() && end == r.str.data() + r.str.size()) return value;
    }
    return std::nullopt;
}

} // namespace

std::chrono::milliseconds sync_ttl(std::chrono::nanoseconds interval, Nanos quota_window) {
    const auto ttl = std::max(3 * interval, interval + std::chrono::nanoseconds(quota_window));
    return std::max(std::chrono::milliseconds(1), std::chrono::ceil<std::chrono::milliseconds>(ttl));
}

RedisSync::RedisSync(asio::io_context& io, std::shared_ptr<Limiter> limiter, std::shared_ptr<SyncLedger> ledger,
                     std::shared_ptr<redis::Client> client, std::shared_ptr<RedisOutage> outage, Settings settings)
    : PeriodicTask(io), limiter_(std::move(limiter)), ledger_(std::move(ledger)), client_(std::move(client)),
      outage_(std::move(outage)), settings_(std::move(settings)), prefix_("proxflow:rate_limit:" + settings_.zone + ":"),
      ttl_(std::to_string(settings_.ttl.count())) {}

awaitable<std::chrono::steady_clock::time_point> RedisSync::round() {
    const auto next = std::chrono::steady_clock::now() + settings_.interval;
    co_await exchange();
    co_return next;
}

awaitable<bool> RedisSync::exchange() {
    SyncLedger& ledger = *ledger_;
    if (ledger.busy_.exchange(true)) co_return true;
    struct Release {
        std::atomic<bool>& busy;
        ~Release() { busy.store(false); }
    } release{ledger.busy_};

    std::unordered_map<std::string, std::uint64_t> own;
    for (auto& [key, admitted] : limiter_->drain_admitted())
        if (admitted > 0) own[std::move(key)] += admitted;
    // What was admitted here is added (INCRBY); the other keys this process follows are read (GET),
    // since the others may still be admitting them.
    struct Item {
        std::string key;
        std::uint64_t own;
    };
    std::vector<Item> items;
    items.reserve(own.size() + ledger.totals_.size());
    for (const auto& [key, admitted] : own) items.push_back({key, admitted});
    for (const auto& [key, total] : ledger.totals_)
        if (!own.contains(key)) items.push_back({key, 0});

    std::string failure;
    for (std::size_t start = 0; start < items.size() && failure.empty(); start += keys_per_pipeline) {
        const std::size_t end = std::min(items.size(), start + keys_per_pipeline);
        std::vector<std::vector<std::string>> commands;
        for (std::size_t i = start; i < end; ++i) {
            std::string counter = redis_key(items[i].key);
            if (items[i].own == 0) {
                commands.push_back({"GET", std::move(counter)});
                continue;
            }
            commands.push_back({"INCRBY", counter, std::to_string(items[i].own)});
            commands.push_back({"PEXPIRE", std::move(counter), ttl_});
        }
        const std::vector<redis::Reply> replies = co_await client_->pipeline(std::move(commands));
        const Nanos now = steady_now();
        std::size_t r = 0;
        for (std::size_t i = start; i < end; ++i) {
            const Item& item = items[i];
            const redis::Reply& reply = replies[r];
            const bool added = item.own > 0;
            r += added ? 2 : 1;
            if (added && replies[r - 1].is_error() && failure.empty()) failure = replies[r - 1].str; // PEXPIRE
            if (reply.is_error()) {
                if (failure.empty()) failure = reply.str;
                continue;
            }
            const std::optional<std::int64_t> total = total_of(reply);
            auto known = ledger.totals_.find(item.key);
            if (!total) { // the counter expired: nobody admitted the key for a whole TTL
                if (known != ledger.totals_.end()) ledger.totals_.erase(known);
                continue;
            }
            const auto mine = static_cast<std::int64_t>(item.own);
            // A key new here, or one whose counter Redis lost since (expired, restarted): all of it but
            // this process' own part is the others'.
            const bool fresh = known == ledger.totals_.end() || *total < known->second + mine;
            const std::int64_t others = fresh ? *total - mine : *total - known->second - mine;
            if (others > 0) limiter_->charge(item.key, static_cast<std::uint64_t>(others), now);
            if (known != ledger.totals_.end()) known->second = *total;
            else ledger.totals_.emplace(item.key, *total);
        }
    }
    keep_ledger_bounded(own);
    if (!failure.empty()) {
        outage_->failed(failure);
        co_return false;
    }
    outage_->succeeded();
    co_return true;
}

void RedisSync::keep_ledger_bounded(const std::unordered_map<std::string, std::uint64_t>& own) {
    auto& totals = ledger_->totals_;
    // Keys only followed (not admitted here this interval) go first.
    for (auto it = totals.begin(); it != totals.end() && totals.size() > settings_.max_keys;)
        it = own.contains(it->first) ? std::next(it) : totals.erase(it);
    for (auto it = totals.begin(); it != totals.end() && totals.size() > settings_.max_keys;) it = totals.erase(it);
}

} // namespace proxflow::rate_limit
