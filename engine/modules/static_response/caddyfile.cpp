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
        if (is_status_code_token(a)) handler["status_code"] = weak_string(a);
        else if (!a.empty()) handler["body"] = a;
    } else if (args.size() == 2) {
        if (!args[0].empty()) handler["body"] = args[0];
        handler["status_code"] = weak_string(args[1]);
    } else {
        h.d.wrong_args();
    }
    while (h.d.next_block(0)) {
        if (h.d.val() == "body") {
            if (handler.contains("body")) h.d.fail("body already specified");
            const auto body = h.d.remaining_args();
            if (body.size() != 1) h.d.wrong_args();
            if (!body[0].empty()) handler["body"] = body[0];
        } else if (h.d.val() == "close") {
            if (handler.contains("close")) h.d.fail("close already specified");
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
    // Caddy's respond needs an argument and leaves an empty body out of the JSON (omitempty): a
    // lone argument of three digits reads as the status, anything else as the body.
    const std::string body = h.value("body", "");
    std::vector<std::string> block;
    std::string line = "respond" + mt;
    if (status.empty() && is_status_code_token(body)) {
        line += " \"\"";
        block.push_back("body " + quote(body));
    } else if (status.empty()) {
        line += " " + quote(body);
    } else if (body.empty() && is_status_code_token(str(h["status_code"]))) {
        line += " " + status;
    } else {
        line += " " + quote(body) + " " + status;
    }
    if (h.value("close", false)) block.push_back("close");
    if (!block.empty()) {
        w.open(line);
        for (const auto& l : block) w.line(l);
        w.close();
        return true;
    }
    w.line(line);
    return true;
}

} // namespace proxflow::caddyfile
