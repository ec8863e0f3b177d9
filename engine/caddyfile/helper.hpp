#pragma once
#include "caddyfile/dispenser.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace proxflow::caddyfile {

using json = nlohmann::json;

// What a directive produces, as in Caddy's httpcaddyfile: a "route" (a JSON route object), a
// "bind" (listener hosts), "custom_log", and so on; directive is the name used for ordering.
struct ConfigValue {
    std::string klass;
    std::string directive;
    json value;
    bool keeps_order = false; // a list of routes to splice in as-is (Caddy's bare Subroute value)
    // Set instead of value for what Caddy keeps as a pointer and later edits in place, so that every
    // listener of the site sees the edit (TLS connection policies, issuers).
    std::shared_ptr<json> object = nullptr;
};

// Names numbered across one whole adapt, as Caddy numbers them: route groups and site logs.
struct AdaptCounters {
    int groups = 0;
    int logs = 0;
    std::map<std::string, std::string> cert_tags; // `tls cert key`: certificate file -> its tag (cert0 ...)
    std::string next_group() { return "group" + std::to_string(groups++); }
    std::string next_log_name() { return "log" + std::to_string(logs++); }
};

// Named matchers of a site block: "@name" -> matcher set (a JSON object).
using MatcherDefs = std::map<std::string, json>;

struct Options; // global options

// The context a directive parser works in (Caddy's httpcaddyfile.Helper).
class Helper {
public:
    Helper(Dispenser d, const MatcherDefs& matchers, AdaptCounters& groups, const Options& options)
        : d(std::move(d)), matchers(matchers), groups(groups), options(options) {}

    Dispenser d;
    const MatcherDefs& matchers;
    AdaptCounters& groups;
    const Options& options;

    // Takes the matcher token after the directive name (*, /path, @name) out of the segment and
    // rewinds; returns the matcher set, or null when there is none.
    json extract_matcher_set();
    // A route with the handler, under the matcher set when there is one.
    std::vector<ConfigValue> new_route(const json& matcher_set, json handler) const;
    // A helper on the tokens of the block that follows the current token (for nested directives).
    Helper with_tokens(Tokens tokens) const { return Helper(Dispenser(std::move(tokens)), matchers, groups, options); }
};

// Sizes as Caddy reads them: 10MB = 10,000,000; 1MiB = 1,048,576; plain numbers are bytes.
std::int64_t parse_size(const Dispenser& d, const std::string& text);
// Durations as Caddy reads them ("1m30s", "2d"), in nanoseconds.
std::int64_t parse_caddy_duration(const Dispenser& d, const std::string& text);

// Go's http.CanonicalHeaderKey: "x-accel-redirect" -> "X-Accel-Redirect" (unchanged when the name
// has characters a header name cannot have).
std::string canonical_header_key(const std::string& name);

// Caddy's Dispenser.ScalarVal: an unquoted token that reads as an int, a float or a bool becomes
// one (Go's Atoi, ParseFloat, ParseBool, in that order); anything else, and any quoted token, is a string.
json scalar_value(const Token& token);

// What respond and error read as a status when it is their one argument: three digits, above zero.
bool is_status_code_token(const std::string& arg);

// Caddy's WeakString as JSON: a number when the text is an integer, else the string.
json weak_string(const std::string& text);

// One header operation of `header`, `header_up` or `header_down` into ops (Caddy's applyHeaderOp):
// +add, -delete, ?default (response only: response is the response ops object, null for requests),
// a regexp replacement, or set. Set and add keys are canonical, as Go's http.Header.Set writes them.
void apply_header_op(Dispenser& d, json& ops, json* response, std::string field, const std::string& value,
                     const std::string& replacement);

} // namespace proxflow::caddyfile
