#pragma once
#include "caddyfile/helper.hpp"

#include <string>
#include <vector>

namespace proxflow::caddyfile {

class Writer;

// The reverse_proxy segment h.d holds (cursor on the directive name, matcher taken out), parsed
// into `handler`, which may come preset (forward_auth presets headers, rewrite, handle_response).
json parse_reverse_proxy_segment(Helper& h, json handler);

// A reverse_proxy handler as `directive` (reverse_proxy, or forward_auth with its own lines in body)
// under matcher token m; throws ExportError naming path for what the directive cannot say.
void write_reverse_proxy(Writer& w, const std::string& m, const json& handler, const std::string& path,
                         const std::string& directive = "reverse_proxy", std::vector<std::string> body = {});

} // namespace proxflow::caddyfile
