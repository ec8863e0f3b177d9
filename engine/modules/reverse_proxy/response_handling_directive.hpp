#pragma once
#include "caddyfile/helper.hpp"

namespace proxflow::caddyfile {

// reverse_proxy's response side in Caddyfile form (Caddy's reverseproxy caddyfile.go): "@name"
// response matchers, replace_status and handle_response. Routes of handle_response blocks are
// parsed at the end (Caddy's FinalizeUnmarshalCaddyfile), so they may name matchers defined later.
class ResponseHandling {
public:
    // Takes the subdirective at the dispenser's cursor when it is one of these; false otherwise.
    bool take(Dispenser& d, json& handler);
    // Parses the collected handle_response blocks into handler["handle_response"] and moves the
    // entries without a matcher to the end, as Caddy does.
    void finish(Helper& h, json& handler);

private:
    void parse_matcher(Dispenser& d);
    const json& find_matcher(const Dispenser& d, const std::string& name) const;

    struct Block {
        Tokens line;  // "handle_response [@name]" as written, for errors
        Tokens body;
    };
    std::map<std::string, json> matchers_;
    std::vector<Block> blocks_;
};

} // namespace proxflow::caddyfile
