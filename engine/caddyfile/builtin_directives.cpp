// The everyday site directives: bind, respond, abort, redir, header, uri, rewrite, handle,
// handle_path, route, vars, request_body, metrics and ProxFlow's traffic_dashboard.
#include "caddyfile/directives.hpp"

#include <map>

namespace proxflow::caddyfile {
namespace {

// Caddy's WeakString: a status that is all digits is a JSON number, anything else a string.
json weak_status(const std::string& code) {
    if (!code.empty() && code.find_first_not_of("0123456789") == std::string::npos) return std::stoi(code);
    return code;
}

std::vector<ConfigValue> parse_bind(Helper& h) {
    h.d.next();
    auto hosts = h.d.remaining_args();
    if (hosts.empty()) h.d.wrong_args();
    return {ConfigValue{"bind", "bind", hosts}};
}

json parse_respond(Helper& h) {
    json handler{{"handler", "static_response"}};
    auto args = h.d.remaining_args();
    if (args.size() == 1) {
        const auto& a = args[0];
        if (a.size() == 3 && a.find_first_not_of("0123456789") == std::string::npos && std::stoi(a) > 0) handler["status_code"] = weak_status(a);
        else handler["body"] = a;
    } else if (args.size() == 2) {
        handler["body"] = args[0];
        handler["status_code"] = weak_status(args[1]);
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
    handler["status_code"] = weak_status(code);
    return handler;
}

// One header operation into ops (Caddy's applyHeaderOp); response = the ops of a response.
void apply_header_op(Dispenser& d, json& ops, json* response, std::string field, const std::string& value,
                     const std::string& replacement) {
    if (field.starts_with("+")) {
        ops["add"][field.substr(1)].push_back(value);
    } else if (field.starts_with("-")) {
        ops["delete"].push_back(field.substr(1));
        if (response) (*response)["deferred"] = true;
    } else if (field.starts_with("?")) {
        if (!response) d.fail(field + ": the default header modifier ('?') can only be used on response headers");
        field = field.substr(1);
        (*response)["require"]["headers"][field] = nullptr;
        ops["set"][field] = json::array({value});
    } else if (!replacement.empty()) {
        while (!field.empty() && (field[0] == '+' || field[0] == '-' || field[0] == '?')) field.erase(0, 1);
        ops["replace"][field].push_back({{"search_regexp", value}, {"replace", replacement}});
    } else {
        ops["set"][field] = json::array({value});
    }
}

std::vector<ConfigValue> parse_header(Helper& h) {
    const json matcher = h.extract_matcher_set();
    json response = json::object(), response_with_require = json::object();
    while (h.d.next()) {
        bool has_args = false;
        if (h.d.next_arg()) {
            has_args = true;
            const std::string field = h.d.val();
            const std::string value = h.d.next_arg() ? h.d.val() : "";
            const std::string replacement = h.d.next_arg() ? h.d.val() : "";
            apply_header_op(h.d, response, &response, field, value, replacement);
            if (response.contains("delete")) response["deferred"] = true;
        }
        while (h.d.next_block(0)) {
            std::string field = h.d.val();
            if (field == "defer") {
                response["deferred"] = true;
                continue;
            }
            if (has_args) h.d.fail("cannot specify headers in both arguments and block");
            if (field.ends_with(":")) field.pop_back();
            const std::string value = h.d.next_arg() ? h.d.val() : "";
            const std::string replacement = h.d.next_arg() ? h.d.val() : "";
            json& target = field.starts_with("?") ? response_with_require : response;
            apply_header_op(h.d, target, &target, field, value, replacement);
        }
    }
    std::vector<ConfigValue> out;
    for (json* ops : {&response, &response_with_require}) {
        if (ops->empty()) continue;
        for (auto& v : h.new_route(matcher, {{"handler", "headers"}, {"response", *ops}})) out.push_back(std::move(v));
    }
    return out;
}

json parse_uri(Helper& h) {
    auto args = h.d.remaining_args();
    if (args.size() < 2) h.d.wrong_args();
    json handler{{"handler", "rewrite"}};
    const std::string& op = args[0];
    if (op == "strip_prefix") {
        if (args.size() > 2) h.d.wrong_args();
        handler["strip_path_prefix"] = args[1].starts_with("/") ? args[1] : "/" + args[1];
    } else if (op == "strip_suffix") {
        if (args.size() > 2) h.d.wrong_args();
        handler["strip_path_suffix"] = args[1];
    } else if (op == "replace") {
        if (args.size() != 3 && args.size() != 4) h.d.wrong_args();
        json sub{{"find", args[1]}, {"replace", args[2]}};
        if (args.size() == 4) sub["limit"] = std::stoi(args[3]);
        handler["uri_substring"] = json::array({sub});
    } else if (op == "path_regexp") {
        if (args.size() != 3) h.d.wrong_args();
        handler["path_regexp"] = json::array({{{"find", args[1]}, {"replace", args[2]}}});
    } else {
        h.d.fail("unrecognized URI manipulation '" + op + "'");
    }
    return handler;
}

json parse_rewrite(Helper& h) {
    if (!h.d.next_arg()) h.d.wrong_args();
    json handler{{"handler", "rewrite"}, {"uri", h.d.val()}};
    if (h.d.next_arg()) h.d.wrong_args();
    return handler;
}

std::vector<ConfigValue> parse_handle_path(Helper& h) {
    h.d.next();
    if (!h.d.next_arg()) h.d.fail("a path matcher is required");
    const std::string path = h.d.val();
    if (!path.starts_with("/")) h.d.fail("path matcher must begin with '/', got " + path);
    json subroute = parse_block_as_subroute(h, true);
    std::string prefix = path;
    while (prefix.ends_with("*")) prefix.pop_back();
    while (prefix.size() > 1 && prefix.ends_with("/")) prefix.pop_back();
    if (prefix != "/") {
        json routes = subroute.contains("routes") ? subroute["routes"] : json::array();
        routes.insert(routes.begin(), json{{"handle", {{{"handler", "rewrite"}, {"strip_path_prefix", prefix}}}}});
        subroute["routes"] = routes;
    }
    json route{{"match", {{{"path", {path}}}}}, {"handle", {subroute}}};
    // Caddy files handle_path under "handle", so both sort and group together.
    return {ConfigValue{"route", "handle", route}};
}

std::vector<ConfigValue> parse_vars(Helper& h) {
    const json matcher = h.extract_matcher_set();
    h.d.next();
    json handler{{"handler", "vars"}};
    auto set_var = [&](const std::string& name, const std::string& value) {
        if (value == "true") handler[name] = true;
        else if (value == "false") handler[name] = false;
        else if (value == "null") handler[name] = nullptr;
        else if (!value.empty() && value.find_first_not_of("0123456789") == std::string::npos) handler[name] = std::stoll(value);
        else handler[name] = value;
    };
    if (h.d.next_arg()) {
        const std::string name = h.d.val();
        if (!h.d.next_arg()) h.d.wrong_args();
        set_var(name, h.d.val());
    }
    while (h.d.next_block(0)) {
        const std::string name = h.d.val();
        if (!h.d.next_arg()) h.d.wrong_args();
        set_var(name, h.d.val());
    }
    return h.new_route(matcher, handler);
}

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

json parse_metrics(Helper& h) {
    json handler{{"handler", "metrics"}};
    while (h.d.next_block(0)) {
        if (h.d.val() == "disable_openmetrics") handler["disable_openmetrics"] = true;
        else h.d.fail("unrecognized metrics option '" + h.d.val() + "'");
    }
    return handler;
}

// ProxFlow's live traffic page: traffic_dashboard [path] { path /dashboard; update_interval 1s }.
json parse_traffic_dashboard(Helper& h) {
    json handler{{"handler", "traffic_dashboard"}};
    if (h.d.next_arg()) handler["path"] = h.d.val();
    while (h.d.next_block(0)) {
        const std::string option = h.d.val();
        if (!h.d.next_arg()) h.d.wrong_args();
        if (option == "path") handler["path"] = h.d.val();
        else if (option == "update_interval") handler["update_interval"] = parse_caddy_duration(h.d, h.d.val());
        else h.d.fail("unrecognized traffic_dashboard option '" + option + "'");
    }
    return handler;
}

} // namespace

void register_builtin_directives(std::map<std::string, DirectiveParser>& r) {
    r["bind"] = parse_bind;
    r["respond"] = handler_directive(parse_respond);
    r["abort"] = handler_directive(parse_abort);
    r["redir"] = handler_directive(parse_redir);
    r["header"] = parse_header;
    r["uri"] = handler_directive(parse_uri);
    r["rewrite"] = handler_directive(parse_rewrite);
    r["handle"] = handler_directive([](Helper& h) { return parse_block_as_subroute(h, true); });
    r["route"] = handler_directive([](Helper& h) { return parse_block_as_subroute(h, false); });
    r["handle_path"] = parse_handle_path;
    r["vars"] = parse_vars;
    r["request_body"] = handler_directive(parse_request_body);
    r["metrics"] = handler_directive(parse_metrics);
    r["traffic_dashboard"] = handler_directive(parse_traffic_dashboard);
}

} // namespace proxflow::caddyfile
