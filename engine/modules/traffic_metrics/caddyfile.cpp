// The traffic_metrics global option and its export:
//   traffic_metrics [off] { off | geo_database F | geo_header H | client_ip_header H | trusted_proxies R... }
#include "caddyfile/dispenser.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {

nlohmann::json parse_traffic_metrics(Dispenser& d) {
    nlohmann::json m = nlohmann::json::object();
    if (d.next_arg()) {
        if (d.val() != "off") d.fail("expected 'off' or a block");
        m["disabled"] = true;
    }
    while (d.next_block(0)) {
        const std::string option = d.val();
        if (option == "off") {
            m["disabled"] = true;
        } else if (option == "geo_database" || option == "geo_header" || option == "client_ip_header") {
            if (!d.next_arg()) d.wrong_args();
            m[option] = d.val();
            if (d.next_arg()) d.wrong_args();
        } else if (option == "trusted_proxies") {
            m["trusted_proxies"] = d.remaining_args();
        } else {
            d.fail("unrecognized traffic_metrics option '" + option + "'");
        }
    }
    return m;
}

std::vector<std::string> write_traffic_metrics(const nlohmann::json& app, const std::string& path) {
    std::vector<std::string> lines;
    for (const auto& [key, value] : app.items()) {
        if (key == "disabled") {
            if (value != true) throw ExportError(path + ".disabled", "only true has a Caddyfile form (off)");
            lines.push_back("\toff");
        } else if (key == "geo_database" || key == "geo_header" || key == "client_ip_header") {
            lines.push_back("\t" + key + " " + quote(str(value)));
        } else if (key == "trusted_proxies") {
            std::string line = "\ttrusted_proxies";
            for (const auto& range : value) line += " " + quote(str(range));
            lines.push_back(line);
        } else {
            throw ExportError(path + "." + key, "has no Caddyfile form");
        }
    }
    // One option, always: `traffic_metrics` alone is the app with its defaults.
    if (lines.empty()) return {"traffic_metrics"};
    if (lines.size() == 1 && lines.front() == "\toff") return {"traffic_metrics off"};
    lines.insert(lines.begin(), "traffic_metrics {");
    lines.push_back("}");
    return lines;
}

} // namespace proxflow::caddyfile
