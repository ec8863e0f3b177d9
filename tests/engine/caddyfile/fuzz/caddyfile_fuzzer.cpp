// Arbitrary text through everything a user's Caddyfile meets: format, adapt, and for what adapts,
// export and adapt again. Expected failures are AdaptError/ConfigError/ExportError; anything else
// escaping, a crash, a hang or a leak is a bug. With PROXFLOW_FUZZ_ROUNDTRIP=1 (CTest's run sets it)
// an export that does not adapt back to the same JSON is one too.
#include "caddyfile/adapter.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/formatter.hpp"
#include "config/config_error.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace cf = proxflow::caddyfile;

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
        static const bool check_roundtrip = std::getenv("PROXFLOW_FUZZ_ROUNDTRIP") != nullptr;
        nlohmann::json again;
        try {
            again = cf::adapt(exported, file_name);
        } catch (const cf::AdaptError&) {
            if (check_roundtrip) throw;
            return 0;
        }
        if (check_roundtrip && again != config) {
            std::fprintf(stderr, "export does not adapt back:\n%s\n--- exported ---\n%s\n--- adapted again ---\n%s\n",
                         config.dump(2).c_str(), exported.c_str(), again.dump(2).c_str());
            std::abort();
        }
    } catch (const cf::ExportError&) {
    }
    return 0;
}
