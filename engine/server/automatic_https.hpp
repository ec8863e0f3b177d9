#pragma once
// Automatic HTTPS as Caddy applies it while provisioning the http app (autohttps.go): which
// servers serve TLS, which host names get managed certificates, and the HTTP->HTTPS redirects.
// It works on a copy of `apps.http`, so the config the admin API shows stays the one given.
#include "config/object_reader.hpp"

#include <functional>
#include <string>
#include <vector>

namespace proxflow {

struct AutomaticHttpsPlan {
    json http_app;                        // apps.http with TLS policies and redirect routes/servers added
    std::vector<std::string> cert_names;  // names whose certificates are managed, sorted
};

struct AutomaticHttpsInputs {
    unsigned http_port = 80, https_port = 443;
    std::function<bool(const std::string&)> has_loaded_certificate;
};

AutomaticHttpsPlan plan_automatic_https(const json& http_app, const AutomaticHttpsInputs& inputs);

} // namespace proxflow
