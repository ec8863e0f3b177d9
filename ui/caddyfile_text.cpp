#include "caddyfile_text.hpp"

#include "caddyfile/adapter.hpp"
#include "caddyfile/exporter.hpp"

#include <algorithm>

namespace proxflow::ui {

QString configText(const nlohmann::json& config) {
    try {
        return QString::fromStdString(caddyfile::export_caddyfile(config).caddyfile);
    } catch (const std::exception& e) {
        return QStringLiteral("# cannot export this config as a Caddyfile: %1\n").arg(QString::fromStdString(e.what())) +
               QString::fromStdString(config.dump(2));
    }
}

AdaptResult adaptText(const QString& text, const QString& filename) {
    AdaptResult result;
    const std::string body = text.toStdString();
    const QString trimmed = text.trimmed();
    // As Caddy picks its adapter: by the file's name; a name that says neither (pasted text) is JSON
    // when it parses as JSON, since a Caddyfile's global options block also starts with '{'.
    const bool named_caddyfile = filename.startsWith(QLatin1String("Caddyfile")) || filename.endsWith(QLatin1String(".caddyfile"));
    const bool json_text = trimmed.startsWith(QLatin1Char('{')) && !nlohmann::json::parse(body, nullptr, false).is_discarded();
    if (filename.endsWith(QLatin1String(".json")) || (!named_caddyfile && json_text)) {
        try {
            result.config = nlohmann::json::parse(body);
        } catch (const nlohmann::json::parse_error& e) {
            result.error = QString::fromStdString(e.what());
            result.line = 1 + static_cast<int>(std::count(body.begin(), body.begin() + std::min(body.size(), e.byte), '\n'));
        }
        return result;
    }
    try {
        result.config = caddyfile::adapt(body, filename.toStdString());
    } catch (const caddyfile::AdaptError& e) {
        result.error = QString::fromStdString(e.what());
        result.line = e.line;
    } catch (const std::exception& e) {
        result.error = QString::fromStdString(e.what());
    }
    return result;
}

} // namespace proxflow::ui
