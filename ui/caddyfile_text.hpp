#pragma once
#include <nlohmann/json.hpp>

#include <QString>

namespace proxflow::ui {

// True once the engine's JSON → Caddyfile exporter is built in; until then the Caddyfile view and
// History diffs show the JSON itself.
bool haveCaddyfileExporter();
bool haveCaddyfileAdapter();

// The Caddyfile for `config` (or its indented JSON without an exporter).
QString configText(const nlohmann::json& config);

struct AdaptResult {
    nlohmann::json config;
    QString error;  // empty when it worked
    int line = 0;   // 1-based line of the error, 0 when unknown
};
// A Caddyfile or a JSON config file's text into the native JSON.
AdaptResult adaptText(const QString& text, const QString& filename);

} // namespace proxflow::ui
