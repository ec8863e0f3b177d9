// The vars directive and the export of vars handlers (skip_log is one too).
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {
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

bool write_vars(Writer& w, const std::string& m, const json& h, const std::string& path) {
    const std::string mt = m.empty() ? "" : " " + m;
    if (h == json{{"handler", "vars"}, {"skip_log", true}}) {
        w.line("skip_log" + mt);
        return true;
    }
    for (auto it = h.begin(); it != h.end(); ++it)
        if (it.key() != "handler") w.line("vars" + mt + " " + quote(it.key()) + " " + quote(str(it.value())));
    return true;
}

} // namespace proxflow::caddyfile
