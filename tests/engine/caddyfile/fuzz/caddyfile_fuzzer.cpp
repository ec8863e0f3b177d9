// Arbitrary text through everything a user's Caddyfile meets: format, adapt, and for what adapts,
// export and adapt again. Expected failures are AdaptError/ConfigError/ExportError; anything else
// escaping, a crash, a hang or a leak is a bug. With PROXFLOW_FUZZ_ROUNDTRIP set (CTest's run sets it
// to 1) an export that does not adapt back to the same JSON is one too: the same up to the names of
// route groups, or, with PROXFLOW_FUZZ_ROUNDTRIP=strict, exactly the same.
#include "caddyfile/adapter.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/formatter.hpp"
#include "config/config_error.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

namespace cf = proxflow::caddyfile;

namespace {

// Caddy's group names are labels: what a group means is which routes of one route list share it, and
// the names come from one counter over the whole Caddyfile, in the order Caddy parses. The exporter
// does not follow that counter yet (docs/caddyfile.md), so outside strict mode the names of each
// route list are renamed by first appearance before comparing.
nlohmann::json with_groups_by_appearance(nlohmann::json value) {
    if (value.is_array()) {
        std::map<std::string, std::string> renamed;
        for (auto& item : value)
            if (item.is_object() && item.contains("group") && item["group"].is_string()) {
                const std::string name = item["group"];
                auto it = renamed.try_emplace(name, "group" + std::to_string(renamed.size())).first;
                item["group"] = it->second;
            }
    }
    if (value.is_array() || value.is_object())
        for (auto& inner : value) inner = with_groups_by_appearance(std::move(inner));
    return value;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // Not checked for idempotence: caddy fmt itself is not (it moves a brace glued to `{uri}{` in two steps).
    cf::format(text);

    // Both adapts read the same file name: file_server's default `hide` names the Caddyfile itself.
    static const std::string file_name = "fuzz.caddyfile";
    nlohmann::json config;
    try {
        config = cf::adapt(text, file_name);
    } catch (const cf::AdaptError&) {
        return 0;
    } catch (const proxflow::ConfigError&) {
        return 0;
    }

    try {
        const std::string exported = cf::export_caddyfile(config).caddyfile;
        static const char* roundtrip = std::getenv("PROXFLOW_FUZZ_ROUNDTRIP");
        static const bool check_roundtrip = roundtrip != nullptr;
        static const bool strict = check_roundtrip && std::string_view(roundtrip) == "strict";
        nlohmann::json again;
        try {
            again = cf::adapt(exported, file_name);
        } catch (const cf::AdaptError&) {
            if (check_roundtrip) throw;
            return 0;
        }
        if (check_roundtrip && (strict ? again != config : with_groups_by_appearance(again) != with_groups_by_appearance(config))) {
            std::fprintf(stderr, "export does not adapt back:\n%s\n--- exported ---\n%s\n--- adapted again ---\n%s\n",
                         config.dump(2).c_str(), exported.c_str(), again.dump(2).c_str());
            std::abort();
        }
    } catch (const cf::ExportError&) {
    }
    return 0;
}
