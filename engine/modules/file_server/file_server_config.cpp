#include "modules/file_server/file_server_config.hpp"

#include <array>

namespace proxflow {
namespace {

constexpr std::array precompressors{Precompressor{"br", ".br"}, Precompressor{"gzip", ".gz"}, Precompressor{"zstd", ".zst"}};

// Caddy's WeakString takes a JSON number or string; it writes digits back as a number.
std::string weak_string(const json& value, const std::string& path) {
    if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
    if (value.is_string()) return value.get<std::string>();
    throw ConfigError(path, "expected a status code (a number or a string), got " + std::string(value.type_name()));
}

json weak_json(const std::string& text) {
    if (!text.empty() && text.size() < 10 && text.find_first_not_of("0123456789") == std::string::npos) return std::stoi(text);
    return text;
}

} // namespace

const Precompressor* find_precompressor(std::string_view encoding) {
    for (const auto& p : precompressors)
        if (p.encoding == encoding) return &p;
    return nullptr;
}

FileServerConfig FileServerConfig::from_json(ObjectReader& r) {
    FileServerConfig c;
    r.skip("handler");
    if (r.has("file_system"))
        throw ConfigError(r.path_of("file_system"), "file system modules are not supported by ProxFlow yet; files come from the local disk");
    c.root = r.string("root");
    c.hide = r.strings("hide");
    c.index_names = r.strings("index_names");
    if (const json* browse = r.take("browse")) {
        ObjectReader b(*browse, r.path_of("browse"));
        c.browse = Browse{b.string("template_file")};
        b.finish();
    }
    if (const json* canonical = r.take("canonical_uris")) {
        if (!canonical->is_boolean()) throw ConfigError(r.path_of("canonical_uris"), "expected true or false");
        c.canonical_uris = canonical->get<bool>();
    }
    if (const json* status = r.take("status_code")) c.status_code = weak_string(*status, r.path_of("status_code"));
    c.pass_thru = r.boolean("pass_thru");
    if (const json* pre = r.take("precompressed")) {
        const std::string path = r.path_of("precompressed");
        expect_object(*pre, path);
        for (auto it = pre->begin(); it != pre->end(); ++it) {
            const std::string p = join_path(path, it.key());
            if (!find_precompressor(it.key())) throw ConfigError(p, "unknown precompressor \"" + it.key() + "\" (known: br, gzip, zstd)");
            ObjectReader module(it.value(), p); // Caddy's precompressors take no options
            module.finish();
            c.precompressed.push_back(it.key());
        }
    }
    c.precompressed_order = r.strings("precompressed_order");
    for (std::size_t i = 0; i < c.precompressed_order.size(); ++i)
        if (!find_precompressor(c.precompressed_order[i]))
            throw ConfigError(index_path(r.path_of("precompressed_order"), i), "unknown precompressor \"" + c.precompressed_order[i] + "\"");
    r.finish();
    return c;
}

json FileServerConfig::to_json() const {
    json out = json::object();
    if (!root.empty()) out["root"] = root;
    if (!hide.empty()) out["hide"] = hide;
    if (!index_names.empty()) out["index_names"] = index_names;
    if (browse) {
        out["browse"] = json::object();
        if (!browse->template_file.empty()) out["browse"]["template_file"] = browse->template_file;
    }
    if (canonical_uris) out["canonical_uris"] = *canonical_uris;
    if (!status_code.empty()) out["status_code"] = weak_json(status_code);
    if (pass_thru) out["pass_thru"] = true;
    if (!precompressed.empty()) {
        out["precompressed"] = json::object();
        for (const auto& name : precompressed) out["precompressed"][name] = json::object();
    }
    if (!precompressed_order.empty()) out["precompressed_order"] = precompressed_order;
    return out;
}

} // namespace proxflow
