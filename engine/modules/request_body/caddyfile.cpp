// The request_body directive and its export.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {
json parse_request_body(Helper& h) {
    json handler{{"handler", "request_body"}};
    if (h.d.next_arg()) h.d.wrong_args();
    while (h.d.next_block(0)) {
        if (h.d.val() == "max_size") {
            if (!h.d.next_arg()) h.d.wrong_args();
            handler["max_size"] = parse_size(h.d, h.d.val());
        } else {
            h.d.fail("unrecognized request_body option '" + h.d.val() + "'");
        }
    }
    return handler;
}

bool write_request_body(Writer& w, const std::string& m, const json& h, const std::string&) {
    const std::string mt = m.empty() ? "" : " " + m;
    w.open("request_body" + mt);
    if (h.contains("max_size")) w.line("max_size " + str(h["max_size"]));
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
