#pragma once
#include <nlohmann/json.hpp>

#include <QString>

namespace proxflow::ui {

// The Caddyfile for `config`; what cannot be exported says why above the config's indented JSON.
QString configText(const nlohmann::json& config);

struct AdaptResult {
    nlohmann::json config;
    QString error;  // empty when it worked
    int line = 0;   // 1-based line of the error, 0 when unknown
};
// A Caddyfile or a JSON config file's text into the native JSON.
AdaptResult adaptText(const QString& text, const QString& filename);

} // namespace proxflow::ui
