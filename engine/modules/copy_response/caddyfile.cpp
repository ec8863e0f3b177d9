// copy_response and copy_response_headers in Caddyfile form; only meaningful in handle_response
// routes, where the engine accepts them.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {

json parse_copy_response(Helper& h) {
    json handler{{"handler", "copy_response"}};
    Dispenser& d = h.d;
    const auto args = d.remaining_args();
    // As Caddy: one positive number is the status; otherwise only a block's `status` sets it.
    if (args.size() == 1 && weak_string(args[0]).is_number() && weak_string(args[0]).get<long long>() > 0) {
        handler["status_code"] = weak_string(args[0]);
        return handler;
    }
    while (d.next_block(0)) {
        if (d.val() != "status") d.fail("unrecognized subdirective '" + d.val() + "'");
        if (!d.next_arg()) d.wrong_args();
        handler["status_code"] = weak_string(d.val());
    }
    return handler;
}

json parse_copy_response_headers(Helper& h) {
    json handler{{"handler", "copy_response_headers"}};
    Dispenser& d = h.d;
    if (d.count_remaining_args() > 0) {
        d.next_arg();
        d.wrong_args();
    }
    while (d.next_block(0)) {
        const std::string list = d.val();
        if (list != "include" && list != "exclude") d.fail("unrecognized subdirective '" + list + "'");
        for (const auto& field : d.remaining_args()) handler[list].push_back(field);
    }
    return handler;
}

bool write_copy_response(Writer& w, const std::string& m, const json& h, const std::string&) {
    const std::string mt = m.empty() ? "" : " " + m;
    // One positive number is the status on the line; anything else only reads back from the block.
    const json code = h.value("status_code", json());
    if (code.is_null()) w.line("copy_response" + mt);
    else if (code.is_number_integer() && code.get<long long>() > 0) w.line("copy_response" + mt + " " + str(code));
    else {
        w.open("copy_response" + mt);
        w.line("status " + quote(str(code)));
        w.close();
    }
    return true;
}

bool write_copy_response_headers(Writer& w, const std::string& m, const json& h, const std::string&) {
    const std::string mt = m.empty() ? "" : " " + m;
    w.open("copy_response_headers" + mt);
    for (const char* list : {"include", "exclude"})
        if (h.contains(list)) {
            std::string line = list;
            for (const auto& f : h[list]) line += " " + quote(f);
            w.line(line);
        }
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
