#include "caddyfile/shorthand_placeholders.hpp"

#include <regex>
#include <string_view>
#include <utility>
#include <vector>

namespace proxflow::caddyfile {

namespace {

// The plain shorthands and what they stand for.
const std::vector<std::pair<std::string, std::string>>& simple_shorthands() {
    static const std::vector<std::pair<std::string, std::string>> simple{
        {"{dir}", "{http.request.uri.path.dir}"},   {"{file}", "{http.request.uri.path.file}"},
        {"{host}", "{http.request.host}"},          {"{hostport}", "{http.request.hostport}"},
        {"{port}", "{http.request.port}"},          {"{method}", "{http.request.method}"},
        {"{path}", "{http.request.uri.path}"},      {"{query}", "{http.request.uri.query}"},
        {"{remote}", "{http.request.remote}"},      {"{remote_host}", "{http.request.remote.host}"},
        {"{remote_port}", "{http.request.remote.port}"}, {"{scheme}", "{http.request.scheme}"},
        {"{uri}", "{http.request.uri}"},            {"{upstream_hostport}", "{http.reverse_proxy.upstream.hostport}"},
        {"{tls_cipher}", "{http.request.tls.cipher_suite}"}, {"{tls_version}", "{http.request.tls.version}"},
        {"{tls_client_fingerprint}", "{http.request.tls.client.fingerprint}"},
        {"{tls_client_issuer}", "{http.request.tls.client.issuer}"}, {"{tls_client_serial}", "{http.request.tls.client.serial}"},
        {"{tls_client_subject}", "{http.request.tls.client.subject}"},
        {"{tls_client_certificate_pem}", "{http.request.tls.client.certificate_pem}"},
        {"{tls_client_certificate_der_base64}", "{http.request.tls.client.certificate_der_base64}"},
    };
    return simple;
}

} // namespace

std::string replace_shorthands(std::string text) {
    if (text.find('{') == std::string::npos) return text;
    const auto& simple = simple_shorthands();
    for (const auto& [from, to] : simple)
        for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) text.replace(pos, from.size(), to);
    static const std::vector<std::pair<std::regex, std::string>> patterns{
        {std::regex(R"(\{header\.([\w-]*)\})"), "{http.request.header.$1}"},
        {std::regex(R"(\{cookie\.([\w-]*)\})"), "{http.request.cookie.$1}"},
        {std::regex(R"(\{labels\.([\w-]*)\})"), "{http.request.host.labels.$1}"},
        {std::regex(R"(\{path\.([\w-]*)\})"), "{http.request.uri.path.$1}"},
        {std::regex(R"(\{file\.([\w-]*)\})"), "{http.request.uri.path.file.$1}"},
        {std::regex(R"(\{query\.([\w-]*)\})"), "{http.request.uri.query.$1}"},
        {std::regex(R"(\{re\.([\w-]*)\.([\w-]*)\})"), "{http.regexp.$1.$2}"},
        {std::regex(R"(\{vars\.([\w-]*)\})"), "{http.vars.$1}"},
        {std::regex(R"(\{rp\.([\w.-]*)\})"), "{http.reverse_proxy.$1}"},
        {std::regex(R"(\{err\.([\w.-]*)\})"), "{http.error.$1}"},
        {std::regex(R"(\{file_match\.([\w-]*)\})"), "{http.matchers.file.$1}"},
    };
    for (const auto& [re, to] : patterns) text = std::regex_replace(text, re, to);
    return text;
}

std::string replaced_shorthand(const std::string& token) {
    const auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == '{' || s.front() == '}')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == '{' || s.back() == '}')) s.remove_suffix(1);
        return s;
    };
    for (const auto& [shorthand, full] : simple_shorthands())
        if (trim(token) == trim(full)) return shorthand;
    return {};
}

} // namespace proxflow::caddyfile
