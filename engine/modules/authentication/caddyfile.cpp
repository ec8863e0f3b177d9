// basicauth [<matcher>] [<hash_algorithm> [<realm>]] { <username> <hashed_password_base64> [<salt_base64>] … }
// (Caddy's caddyauth parseCaddyfile), and its export.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "config/object_reader.hpp"

namespace proxflow::caddyfile {

json parse_basicauth(Helper& h) {
    const auto args = h.d.remaining_args();
    if (args.size() > 2) h.d.wrong_args();
    const std::string algorithm = args.empty() ? "bcrypt" : args[0];
    if (algorithm != "bcrypt" && algorithm != "scrypt") h.d.fail("unrecognized hash algorithm: " + algorithm);
    json basic{{"hash", {{"algorithm", algorithm}}}, {"hash_cache", json::object()}};
    if (args.size() == 2 && !args[1].empty()) basic["realm"] = args[1];
    while (h.d.next_block(0)) {
        json account{{"username", h.d.val()}};
        std::string password, salt;
        if (h.d.next_arg()) {
            password = h.d.val();
            if (h.d.next_arg()) salt = h.d.val();
        }
        if (h.d.next_arg()) h.d.wrong_args();
        if (account["username"].get<std::string>().empty() || password.empty()) h.d.fail("username and password cannot be empty or missing");
        account["password"] = password;
        if (!salt.empty()) account["salt"] = salt;
        basic["accounts"].push_back(account);
    }
    return {{"handler", "authentication"}, {"providers", {{"http_basic", basic}}}};
}

bool write_basicauth(Writer& w, const std::string& m, const json& h, const std::string& path) {
    const std::string ppath = path + ".providers";
    const json providers = h.value("providers", json::object());
    for (const auto& [name, value] : providers.items())
        if (name != "http_basic") throw ExportError(ppath + "." + name, "an authentication provider other than http_basic has no Caddyfile form");
    if (!providers.contains("http_basic")) throw ExportError(ppath, "authentication without the http_basic provider has no Caddyfile form");
    const json& basic = providers["http_basic"];
    const std::string bpath = ppath + ".http_basic";
    for (const auto& [key, value] : basic.items())
        if (key != "hash" && key != "hash_cache" && key != "realm" && key != "accounts") throw ExportError(bpath + "." + key, "has no Caddyfile form");
    // basicauth always writes the hash and turns the cache on.
    if (basic.value("hash_cache", json()) != json::object()) throw ExportError(bpath + ".hash_cache", "basicauth always caches: no Caddyfile form without it");
    const json hash = basic.value("hash", json());
    if (!hash.is_object() || hash.size() != 1 || !hash.contains("algorithm") || (hash["algorithm"] != "bcrypt" && hash["algorithm"] != "scrypt"))
        throw ExportError(bpath + ".hash", "only {\"algorithm\": \"bcrypt\"} or {\"algorithm\": \"scrypt\"} with default parameters has a Caddyfile form");
    std::string head = "basicauth" + (m.empty() ? "" : " " + m);
    const std::string realm = basic.value("realm", "");
    if (hash["algorithm"] != "bcrypt" || !realm.empty()) head += " " + hash["algorithm"].get<std::string>();
    if (!realm.empty()) head += " " + quote(realm);
    const json accounts = basic.value("accounts", json::array());
    w.open(head);
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        const json& a = accounts[i];
        const std::string apath = index_path(bpath + ".accounts", i);
        for (const auto& [key, value] : a.items())
            if (key != "username" && key != "password" && key != "salt") throw ExportError(apath + "." + key, "has no Caddyfile form");
        const std::string user = a.value("username", ""), password = a.value("password", ""), salt = a.value("salt", "");
        if (user.empty() || password.empty()) throw ExportError(apath, "an account without a username or password has no Caddyfile form");
        w.line(quote(user) + " " + quote(password) + (salt.empty() ? "" : " " + quote(salt)));
    }
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
