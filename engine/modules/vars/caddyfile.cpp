// The vars directive and the export of vars handlers (skip_log is one too).
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {
// vars [<matcher>] [<name> <value>] { <name> <value>... }: values read as Caddy's ScalarVal reads them.
std::vector<ConfigValue> parse_vars(Helper& h) {
    const json matcher = h.extract_matcher_set();
    h.d.next();
    json handler{{"handler", "vars"}};
    const auto next_var = [&] {
        const std::string name = h.d.val();
        if (!h.d.next_arg()) h.d.wrong_args();
        handler[name] = scalar_value(h.d.token());
        if (h.d.next_arg()) h.d.wrong_args();
    };
    if (h.d.next_arg()) next_var();
    while (h.d.next_block(0)) next_var();
    return h.new_route(matcher, handler);
}

bool write_vars(Writer& w, const std::string& m, const json& h, const std::string& path) {
    const std::string mt = m.empty() ? "" : " " + m;
    if (h == json{{"handler", "vars"}, {"skip_log", true}}) {
        w.line("skip_log" + mt);
        return true;
    }
    std::vector<std::string> lines;
    for (auto it = h.begin(); it != h.end(); ++it)
        if (it.key() != "handler") lines.push_back(quote(it.key()) + " " + scalar_token(it.value(), path + "." + it.key()));
    // Several variables are one handler only in the block form; separate lines would be several.
    if (lines.size() == 1) {
        w.line("vars" + mt + " " + lines.front());
        return true;
    }
    w.open("vars" + mt);
    for (const auto& line : lines) w.line(line);
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
