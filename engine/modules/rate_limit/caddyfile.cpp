// The rate_limit directive and its export: the Caddyfile reads into RateLimitConfig and writes it back,
// so the JSON keys are spelled once, in the config. ProxFlow's own: stock Caddy exports leave it out.
#include "caddyfile/adapter.hpp"
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "modules/rate_limit/rate_limit_config.hpp"

#include <map>
#include <stdexcept>

namespace proxflow::caddyfile {
namespace {

constexpr std::string_view header_key_prefix = "{http.request.header.";

// The one argument of the current line.
std::string single_arg(Dispenser& d) {
    if (!d.next_arg()) d.wrong_args();
    std::string v = d.val();
    if (d.next_arg()) d.wrong_args();
    return v;
}

std::int64_t whole_number(const Dispenser& d, const std::string& text) {
    try {
        std::size_t used = 0;
        const long long v = std::stoll(text, &used);
        if (used == text.size()) return v;
    } catch (const std::exception&) {
    }
    d.fail("'" + text + "' is not a whole number");
}

void parse_redis(Dispenser& d, RedisEndpointConfig& redis) {
    for (const int nesting = d.nesting(); d.next_block(nesting);) {
        const std::string option = d.val();
        if (option == "address") redis.address = single_arg(d);
        else if (option == "password") redis.password = single_arg(d);
        else if (option == "db") redis.db = static_cast<int>(whole_number(d, single_arg(d)));
        else d.fail("unrecognized redis option '" + option + "'");
    }
}

void parse_distributed(Dispenser& d, DistributedConfig& c) {
    if (d.next_arg()) d.wrong_args();
    for (const int nesting = d.nesting(); d.next_block(nesting);) {
        const std::string option = d.val();
        if (option == "redis") {
            if (d.next_arg()) c.redis.address = d.val(); // redis <address> is short for a block with only the address
            parse_redis(d, c.redis);
        } else if (option == "sync_interval") {
            c.sync_interval = std::chrono::nanoseconds(parse_caddy_duration(d, single_arg(d)));
        } else if (option == "fail_closed") {
            if (d.next_arg()) d.wrong_args();
            c.fail_closed = true;
        } else {
            d.fail("unrecognized distributed option '" + option + "'");
        }
    }
}

} // namespace

// rate_limit [<matcher>] [<rate>] { algorithm, rate, burst, window, key, api_key_header, api_key_query,
// reject, max_delay, max_keys, zone, distributed { redis { address; password; db } sync_interval; fail_closed } }
json parse_rate_limit(Helper& h) {
    Dispenser& d = h.d;
    RateLimitConfig c;
    std::map<std::string, Token> written; // the line each setting was written on, for errors found later
    bool has_rate = false;
    const auto read_rate = [&] {
        try {
            c.rate = Rate::parse(d.val());
            has_rate = true;
        } catch (const std::invalid_argument& e) {
            d.fail(e.what());
        }
    };
    if (d.next_arg()) {
        read_rate();
        written["rate"] = d.token();
        if (d.next_arg()) d.wrong_args();
    }
    while (d.next_block(0)) {
        const std::string option = d.val();
        written[option] = d.token();
        if (option == "algorithm") {
            const std::string name = single_arg(d);
            if (name == "token_bucket") c.algorithm = RateLimitConfig::Algorithm::token_bucket;
            else if (name == "leaky_bucket") c.algorithm = RateLimitConfig::Algorithm::leaky_bucket;
            else if (name == "sliding_window") c.algorithm = RateLimitConfig::Algorithm::sliding_window;
            else d.fail("unknown algorithm '" + name + "' (token_bucket, leaky_bucket or sliding_window)");
        } else if (option == "rate") {
            if (!d.next_arg()) d.wrong_args();
            read_rate();
            if (d.next_arg()) d.wrong_args();
        } else if (option == "burst") {
            c.burst = whole_number(d, single_arg(d));
        } else if (option == "max_keys") {
            c.max_keys = whole_number(d, single_arg(d));
        } else if (option == "window") {
            c.window = std::chrono::nanoseconds(parse_caddy_duration(d, single_arg(d)));
        } else if (option == "max_delay") {
            c.max_delay = std::chrono::nanoseconds(parse_caddy_duration(d, single_arg(d)));
        } else if (option == "key") {
            if (!d.next_arg()) d.wrong_args();
            c.key = d.val();
            if (c.key == "header") {
                if (!d.next_arg()) d.fail("key header needs a header name");
                c.key = std::string(header_key_prefix) + d.val() + "}";
            }
            if (d.next_arg()) d.wrong_args();
        } else if (option == "api_key_header") {
            c.api_key_header = single_arg(d);
        } else if (option == "api_key_query") {
            c.api_key_query = single_arg(d);
        } else if (option == "reject") {
            c.reject = single_arg(d);
        } else if (option == "zone") {
            c.zone = single_arg(d);
        } else if (option == "distributed") {
            parse_distributed(d, c.distributed.emplace());
        } else {
            d.fail("unrecognized rate_limit option '" + option + "'");
        }
    }
    if (!has_rate) d.fail("a rate is required: rate_limit { rate 10 } (requests per second, or 600/m)");
    json handler = c.to_json();
    handler["handler"] = "rate_limit";
    // The config's own checks (a burst with sliding_window, a status out of range ...), reported at the
    // line of the setting they name.
    try {
        ObjectReader reader(handler, "rate_limit");
        reader.skip("handler");
        RateLimitConfig::from_json(reader);
    } catch (const ConfigError& e) {
        const std::string where = e.path();
        const auto dot = where.find('.');
        const std::string field = dot == std::string::npos ? "" : where.substr(dot + 1, where.find('.', dot + 1) - dot - 1);
        const auto at = written.find(field);
        const Token t = at != written.end() ? at->second : d.token();
        const std::string why = std::string(e.what()).substr(e.path().empty() ? 0 : e.path().size() + 2);
        throw AdaptError(t.file ? t.file_name() : "Caddyfile", t.line, "rate_limit: " + field + ": " + why);
    }
    return handler;
}

bool write_rate_limit(Writer& w, const std::string& m, const json& h, const std::string& path) {
    if (w.stock()) {
        w.warnings.push_back(path + ": rate_limit is ProxFlow's own directive; stock Caddy has none (left out)");
        return true;
    }
    ObjectReader reader(h, path);
    reader.skip("handler");
    const RateLimitConfig c = RateLimitConfig::from_json(reader);
    const RateLimitConfig defaults;
    w.open("rate_limit" + (m.empty() ? "" : " " + m));
    if (!c.zone.empty()) w.line("zone " + quote(c.zone));
    if (c.algorithm != defaults.algorithm) w.line("algorithm " + std::string(algorithm_name(c.algorithm)));
    w.line("rate " + c.rate.text());
    if (c.burst) w.line("burst " + std::to_string(*c.burst));
    if (c.window) w.line("window " + format_duration(*c.window));
    if (c.key != defaults.key) {
        const bool header = c.key.starts_with(header_key_prefix) && c.key.ends_with('}') &&
                            c.key.find_first_of("{}", header_key_prefix.size()) == c.key.size() - 1;
        w.line("key " + (header ? "header " + quote(c.key.substr(header_key_prefix.size(), c.key.size() - header_key_prefix.size() - 1)) : quote(c.key)));
    }
    if (c.api_key_header != defaults.api_key_header) w.line("api_key_header " + quote(c.api_key_header));
    if (c.api_key_query != defaults.api_key_query) w.line("api_key_query " + quote(c.api_key_query));
    if (c.reject != defaults.reject) w.line("reject " + c.reject);
    if (c.max_delay != defaults.max_delay) w.line("max_delay " + format_duration(c.max_delay));
    if (c.max_keys != defaults.max_keys) w.line("max_keys " + std::to_string(c.max_keys));
    if (c.distributed) {
        const DistributedConfig& dc = *c.distributed;
        const DistributedConfig dd;
        w.open("distributed");
        if (dc.redis != dd.redis) {
            w.open("redis");
            if (dc.redis.address != dd.redis.address) w.line("address " + quote(dc.redis.address));
            if (!dc.redis.password.empty()) w.line("password " + quote(dc.redis.password));
            if (dc.redis.db) w.line("db " + std::to_string(dc.redis.db));
            w.close();
        }
        if (dc.sync_interval != dd.sync_interval) w.line("sync_interval " + format_duration(dc.sync_interval));
        if (dc.fail_closed) w.line("fail_closed");
        w.close();
    }
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
