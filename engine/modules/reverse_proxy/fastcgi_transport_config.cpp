#include "modules/reverse_proxy/fastcgi_transport_config.hpp"

namespace proxflow {

FastcgiTransportConfig FastcgiTransportConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    FastcgiTransportConfig c;
    r.skip("protocol");
    c.root = r.string("root");
    c.split_path = r.strings("split_path");
    c.resolve_root_symlink = r.boolean("resolve_root_symlink");
    if (const json* env = r.take("env")) {
        const std::string at = r.path_of("env");
        expect_object(*env, at);
        for (auto it = env->begin(); it != env->end(); ++it) {
            if (!it.value().is_string()) throw ConfigError(join_path(at, it.key()), "expected a string");
            c.env[it.key()] = it.value().get<std::string>();
        }
    }
    c.dial_timeout = r.duration("dial_timeout");
    c.read_timeout = r.duration("read_timeout");
    c.write_timeout = r.duration("write_timeout");
    c.capture_stderr = r.boolean("capture_stderr");
    r.finish();
    return c;
}

json FastcgiTransportConfig::to_json() const {
    json out{{"protocol", "fastcgi"}};
    if (!root.empty()) out["root"] = root;
    if (!split_path.empty()) out["split_path"] = split_path;
    if (resolve_root_symlink) out["resolve_root_symlink"] = true;
    if (!env.empty()) out["env"] = env;
    if (dial_timeout.count()) out["dial_timeout"] = dial_timeout.count();
    if (read_timeout.count()) out["read_timeout"] = read_timeout.count();
    if (write_timeout.count()) out["write_timeout"] = write_timeout.count();
    if (capture_stderr) out["capture_stderr"] = true;
    return out;
}

void FastcgiTransportConfig::refuse(const std::string& path) {
    throw ConfigError(path, "transport fastcgi is not supported by ProxFlow yet (it does not speak FastCGI to upstreams)");
}

} // namespace proxflow
