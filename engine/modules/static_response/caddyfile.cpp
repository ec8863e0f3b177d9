// respond, abort and redir: the three directives that make a static_response, and its export.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {
json parse_respond(Helper& h) {
    json handler{{"handler", "static_response"}};
    auto args = h.d.remaining_args();
    if (args.size() == 1) {
        const auto& a = args[0];
        if (a.size() == 3 && a.find_first_not_of("0123456789") == std::string::npos && std::stoi(a) > 0) handler["status_code"] = weak_string(a);
        else handler["body"] = a;
    } else if (args.size() == 2) {
        handler["body"] = args[0];
        handler["status_code"] = weak_string(args[1]);
    } else if (!args.empty()) {
        h.d.wrong_args();
    }
    while (h.d.next_block(0)) {
        if (h.d.val() == "body") {
            if (handler.contains("body")) h.d.fail("body already specified");
            if (!h.d.next_arg()) h.d.wrong_args();
            handler["body"] = h.d.val();
        } else if (h.d.val() == "close") {
            handler["close"] = true;
        } else {
            h.d.fail("unrecognized subdirective '" + h.d.val() + "'");
        }
    }
    return handler;
}

json parse_abort(Helper& h) {
    if (h.d.next_arg()) h.d.wrong_args();
    return {{"handler", "static_response"}, {"abort", true}};
}

json parse_redir(Helper& h) {
    if (!h.d.next_arg()) h.d.wrong_args();
    const std::string to = h.d.val();
    std::string code = h.d.next_arg() ? h.d.val() : "";
    json handler{{"handler", "static_response"}};
    if (code == "permanent") code = "301";
    else if (code == "temporary" || code.empty()) code = "302";
    else if (code == "html") {
        h.d.fail("'html' redirects are not supported by ProxFlow yet");
    } else if (!code.starts_with("{")) {
        int n = 0;
        try {
            n = std::stoi(code);
        } catch (...) {
            h.d.fail("Not a supported redir code type or not valid integer: '" + code + "'");
        }
        if (n < 300 || (n > 399 && n != 401)) h.d.fail("Redir code not in the 3xx range or 401: '" + code + "'");
    }
    handler["headers"] = {{"Location", {to}}};
    handler["status_code"] = weak_string(code);
    return handler;
}

bool write_static_response(Writer& w, const std::string& m, const json& h, const std::string& path) {
    const std::string mt = m.empty() ? "" : " " + m;
    if (h.value("abort", false)) {
        w.line("abort" + mt);
        return true;
    }
    const std::string status = h.contains("status_code") ? quote(str(h["status_code"])) : "";
    if (h.contains("headers") && h["headers"].contains("Location") && h["headers"].size() == 1 && !h.contains("body")) {
        std::string line = "redir" + mt + " " + quote(h["headers"]["Location"][0]);
        if (status != "302") line += " " + status;
        w.line(line);
        return true;
    }
    if (h.contains("headers")) throw ExportError(path + ".headers", "respond with headers has no Caddyfile form; use a header directive");
    // One argument is a status only when it is three digits; anything else would read as a body.
    const bool numeric = status.size() == 3 && std::all_of(status.begin(), status.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!h.contains("body") && !status.empty() && !numeric)
        throw ExportError(path + ".status_code", "a status of \"" + status + "\" without a body reads back as a body");
    std::string line = "respond" + mt;
    if (h.contains("body")) line += " " + quote(h["body"]);
    if (!status.empty()) line += " " + status;
    if (h.value("close", false)) {
        w.open(line);
        w.line("close");
        w.close();
    } else {
        w.line(line);
    }
    return true;
}

} // namespace proxflow::caddyfile
