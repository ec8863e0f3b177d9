// error [<matcher>] <status>|<message> [<status>] { message <text> }, and its export.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {
json parse_error(Helper& h) {
    json handler{{"handler", "error"}};
    std::string message;
    const auto args = h.d.remaining_args();
    if (args.size() == 1) {
        if (is_status_code_token(args[0])) handler["status_code"] = weak_string(args[0]);
        else message = args[0];
    } else if (args.size() == 2) {
        message = args[0];
        handler["status_code"] = weak_string(args[1]);
    } else {
        h.d.wrong_args();
    }
    while (h.d.next_block(0)) {
        if (h.d.val() != "message") h.d.fail("unrecognized subdirective '" + h.d.val() + "'");
        if (!message.empty()) h.d.fail("message already specified");
        if (!h.d.next_arg()) h.d.wrong_args();
        message = h.d.val();
        if (h.d.next_arg()) h.d.wrong_args();
    }
    if (!message.empty()) handler["error"] = message;
    return handler;
}

bool write_error_handler(Writer& w, const std::string& m, const json& h, const std::string&) {
    const std::string mt = m.empty() ? "" : " " + m;
    const std::string message = h.value("error", "");
    if (!h.contains("status_code")) {
        // One argument that looks like a status is read as one; the block form says it is a message.
        if (is_status_code_token(message)) {
            w.open("error" + mt + " \"\"");
            w.line("message " + quote(message));
            w.close();
        } else {
            w.line("error" + mt + " " + quote(message));
        }
        return true;
    }
    const std::string status = str(h["status_code"]);
    if (message.empty() && is_status_code_token(status)) w.line("error" + mt + " " + status);
    else w.line("error" + mt + " " + quote(message) + " " + quote(status));
    return true;
}

} // namespace proxflow::caddyfile
